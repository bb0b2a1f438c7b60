using System.Text.Json;

namespace Trellis.ControlPlane.Jwks;

/// <summary>Checks what a JWKS endpoint or discovery endpoint returned before it is inlined into any proxy's config.</summary>
internal static class JwksDocument
{
    /// <summary>Why <paramref name="json"/> is not a JWKS with at least one key (RFC 7517), or null.</summary>
    public static string? Problem(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("keys", out var keys) || keys.ValueKind != JsonValueKind.Array)
                return "the response is not a JWKS (no \"keys\" array)";
            if (keys.GetArrayLength() == 0) return "the JWKS has no keys";
            foreach (var key in keys.EnumerateArray())
                if (key.ValueKind != JsonValueKind.Object || !key.TryGetProperty("kty", out var kty) || kty.ValueKind != JsonValueKind.String)
                    return "a key of the JWKS has no \"kty\"";
            return null;
        }
        catch (JsonException)
        {
            return "the response is not JSON";
        }
    }

    /// <summary>The jwks_uri of an OpenID discovery document, or null.</summary>
    public static string? JwksUriOf(string discovery)
    {
        try
        {
            using var document = JsonDocument.Parse(discovery, new JsonDocumentOptions { MaxDepth = 16 });
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("jwks_uri", out var uri) && uri.ValueKind == JsonValueKind.String
                ? uri.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
