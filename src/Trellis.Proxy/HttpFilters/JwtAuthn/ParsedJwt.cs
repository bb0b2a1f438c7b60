using System.Buffers.Text;
using System.Text.Json;

namespace Trellis.Proxy.HttpFilters.JwtAuthn;

/// <summary>A token's header and payload, parsed once per request with the checks Envoy makes before any key is used.</summary>
internal sealed class ParsedJwt
{
    /// <summary>Tokens longer than this are refused unparsed: no JWS a provider issues comes near it.</summary>
    public const int MaxTokenLength = 16 * 1024;

    private ParsedJwt(string token, string alg, string? kid, JsonElement payload, string payloadSegment)
    {
        Token = token;
        Alg = alg;
        Kid = kid;
        Payload = payload;
        PayloadSegment = payloadSegment;
    }

    public string Token { get; }
    public string Alg { get; }
    public string? Kid { get; }
    public JsonElement Payload { get; }
    public string PayloadSegment { get; }
    public string Issuer { get; private init; } = "";
    public string? Subject { get; private init; }
    public IReadOnlyList<string> Audiences { get; private init; } = [];
    public long? Expires { get; private init; }
    public long? NotBefore { get; private init; }

    public static JwtStatus TryParse(string token, out ParsedJwt? jwt)
    {
        jwt = null;
        if (token.Length > MaxTokenLength) return JwtStatus.JwtTooLarge;
        var parts = token.Split('.');
        if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0) return JwtStatus.JwtBadFormat;
        if (Decode(parts[0]) is not { } headerBytes) return JwtStatus.JwtHeaderParseErrorBadBase64;
        if (Parse(headerBytes) is not { ValueKind: JsonValueKind.Object } header) return JwtStatus.JwtHeaderParseErrorBadJson;
        if (!header.TryGetProperty("alg", out var alg) || alg.ValueKind != JsonValueKind.String) return JwtStatus.JwtHeaderBadAlg;
        // "none" and anything else unsigned never reaches a key.
        if (alg.GetString() is not { Length: > 0 } algorithm || algorithm.Equals("none", StringComparison.OrdinalIgnoreCase) || parts[2].Length == 0)
            return JwtStatus.JwtHeaderNotImplementedAlg;
        var kid = header.TryGetProperty("kid", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
        if (Decode(parts[1]) is not { } payloadBytes) return JwtStatus.JwtPayloadParseErrorBadBase64;
        if (Parse(payloadBytes) is not { ValueKind: JsonValueKind.Object } payload) return JwtStatus.JwtPayloadParseErrorBadJson;

        var issuer = "";
        if (payload.TryGetProperty("iss", out var iss))
        {
            if (iss.ValueKind != JsonValueKind.String) return JwtStatus.JwtPayloadParseErrorIssNotString;
            issuer = iss.GetString()!;
        }
        var audiences = new List<string>();
        if (payload.TryGetProperty("aud", out var aud))
        {
            if (aud.ValueKind == JsonValueKind.String) audiences.Add(aud.GetString()!);
            else if (aud.ValueKind == JsonValueKind.Array)
            {
                foreach (var a in aud.EnumerateArray())
                {
                    if (a.ValueKind != JsonValueKind.String) return JwtStatus.JwtPayloadParseErrorAudNotString;
                    audiences.Add(a.GetString()!);
                }
            }
            else return JwtStatus.JwtPayloadParseErrorAudNotString;
        }
        if (!Time(payload, "exp", out var exp)) return JwtStatus.JwtPayloadParseErrorExpNotInteger;
        if (!Time(payload, "nbf", out var nbf)) return JwtStatus.JwtPayloadParseErrorNbfNotInteger;
        var subject = payload.TryGetProperty("sub", out var sub) && sub.ValueKind == JsonValueKind.String ? sub.GetString() : null;
        jwt = new ParsedJwt(token, algorithm, kid, payload, parts[1])
        {
            Issuer = issuer,
            Subject = subject,
            Audiences = audiences,
            Expires = exp,
            NotBefore = nbf,
        };
        return JwtStatus.Ok;
    }

    private static bool Time(JsonElement payload, string name, out long? value)
    {
        value = null;
        if (!payload.TryGetProperty(name, out var element)) return true;
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out var seconds)) return false;
        value = seconds;
        return true;
    }

    private static byte[]? Decode(string segment)
    {
        // TryDecodeFromChars throws on characters outside the alphabet, so hostile input is checked first.
        if (!Base64Url.IsValid(segment)) return null;
        var bytes = new byte[Base64Url.GetMaxDecodedLength(segment.Length)];
        return Base64Url.TryDecodeFromChars(segment, bytes, out var written) ? bytes[..written] : null;
    }

    private static JsonElement? Parse(byte[] json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 32 });
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
