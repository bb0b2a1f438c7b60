using System.Globalization;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Trellis.Proxy.Forwarding;

namespace Trellis.Proxy.HttpFilters.JwtAuthn;

/// <summary>What verified tokens add to the request: the payload in jwt_authn's dynamic metadata and Istio's
/// <c>istio_authn</c> keys (from the first verified token), the payload and claim headers, and the token removed
/// unless the provider forwards it.</summary>
internal static class JwtOutputs
{
    public const string IstioAuthn = "istio_authn";
    public const string Principal = "request.auth.principal";
    public const string Audiences = "request.auth.audiences";
    public const string Presenter = "request.auth.presenter";
    public const string Claims = "request.auth.claims";

    public static void Apply(RequestContext context, JwtAuthnPolicy policy, JwtVerification verification)
    {
        if (verification.Verified.Count == 0) return;
        var metadata = context.Metadata ??= new DynamicMetadata();
        var headers = context.Http.Request.Headers;
        var first = true;
        foreach (var (l, p) in verification.Verified)
        {
            var provider = policy.Providers[p];
            var jwt = verification.TokenAt(l);
            var payload = ToStruct(jwt.Payload);
            if (provider.PayloadInMetadata is { } key) metadata.For(JwtAuthnPolicy.FilterName).Fields[key] = Value.ForStruct(payload);
            if (first) Istio(metadata.For(IstioAuthn), jwt, payload);
            first = false;
            if (provider.PayloadHeader is { } payloadHeader)
                headers[payloadHeader] = provider.PadPayloadHeader ? Pad(jwt.PayloadSegment) : jwt.PayloadSegment;
            foreach (var (header, path) in provider.ClaimHeaders)
                if (ClaimText(jwt.Payload, path) is { } text) headers[header] = text;
            var location = policy.Locations[l];
            if (!provider.Forward && location.Kind == JwtLocationKind.Header) headers.Remove(location.Name);
        }
    }

    private static void Istio(Struct authn, ParsedJwt jwt, Struct payload)
    {
        if (jwt.Issuer.Length > 0 && jwt.Subject is { } subject) authn.Fields[Principal] = Value.ForString($"{jwt.Issuer}/{subject}");
        if (jwt.Audiences.Count > 0)
        {
            var list = new ListValue();
            foreach (var audience in jwt.Audiences) list.Values.Add(Value.ForString(audience));
            authn.Fields[Audiences] = new Value { ListValue = list };
        }
        if (jwt.Payload.TryGetProperty("azp", out var azp) && azp.ValueKind == JsonValueKind.String) authn.Fields[Presenter] = Value.ForString(azp.GetString()!);
        authn.Fields[Claims] = Value.ForStruct(payload);
    }

    /// <summary>A claim as Envoy's claim_to_headers writes it: strings as they are, numbers and booleans in JSON form,
    /// a list of strings comma-joined; objects are not copied. Nested claims are named with dots.</summary>
    private static string? ClaimText(JsonElement payload, string[] path)
    {
        var current = payload;
        foreach (var segment in path)
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(segment, out current)) return null;
        return current.ValueKind switch
        {
            JsonValueKind.String => current.GetString(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => current.GetRawText(),
            JsonValueKind.Array => JoinStrings(current),
            _ => null,
        };
    }

    private static string? JoinStrings(JsonElement array)
    {
        var parts = new List<string>();
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String) return null;
            parts.Add(item.GetString()!);
        }
        return string.Join(',', parts);
    }

    private static string Pad(string base64Url) => (base64Url.Length % 4) switch
    {
        2 => base64Url + "==",
        3 => base64Url + "=",
        _ => base64Url,
    };

    public static Struct ToStruct(JsonElement element)
    {
        var result = new Struct();
        foreach (var property in element.EnumerateObject()) result.Fields[property.Name] = ToValue(property.Value);
        return result;
    }

    private static Value ToValue(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object: return Value.ForStruct(ToStruct(element));
            case JsonValueKind.Array:
                var list = new ListValue();
                foreach (var item in element.EnumerateArray()) list.Values.Add(ToValue(item));
                return new Value { ListValue = list };
            case JsonValueKind.String: return Value.ForString(element.GetString()!);
            case JsonValueKind.Number: return Value.ForNumber(element.GetDouble());
            case JsonValueKind.True: return Value.ForBool(true);
            case JsonValueKind.False: return Value.ForBool(false);
            default: return Value.ForNull();
        }
    }
}
