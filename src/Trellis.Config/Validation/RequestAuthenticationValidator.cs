using System.Text.Json;
using System.Text.RegularExpressions;
using Trellis.Config.Model.Security;

namespace Trellis.Config.Validation;

/// <summary>Schema rules of RequestAuthentication, as istiod's ValidateRequestAuthentication checks them.</summary>
internal static partial class RequestAuthenticationValidator
{
    public static void Validate(ValidationSink sink, RequestAuthenticationSpec spec)
    {
        var hasSelector = spec.Selector is not null;
        if (hasSelector && (spec.TargetRef is not null || spec.TargetRefs is { Count: > 0 }))
            sink.Error("spec.selector", "only one of targetRefs or workloadSelector can be set");
        if (spec.TargetRef is not null && spec.TargetRefs is { Count: > 0 })
            sink.Error("spec.targetRef", "only one of targetRef or targetRefs can be set");
        LabelValidation.Check(sink, "spec.selector.matchLabels", spec.Selector?.MatchLabels);
        if (spec.TargetRef is { } single) TargetRef(sink, "spec.targetRef", single);
        for (var i = 0; i < (spec.TargetRefs?.Count ?? 0); i++) TargetRef(sink, $"spec.targetRefs[{i}]", spec.TargetRefs![i]);
        for (var i = 0; i < (spec.JwtRules?.Count ?? 0); i++) Rule(sink, $"spec.jwtRules[{i}]", spec.JwtRules![i]);
    }

    private static void TargetRef(ValidationSink sink, string path, PolicyTargetReference target)
    {
        if (string.IsNullOrEmpty(target.Kind)) sink.Error($"{path}.kind", "missing required field");
        if (string.IsNullOrEmpty(target.Name)) sink.Error($"{path}.name", "missing required field");
        if (!string.IsNullOrEmpty(target.Namespace) && target.Namespace != sink.Resource.Metadata.Namespace)
            sink.Error($"{path}.namespace", "cross namespace referencing is not currently supported");
    }

    private static void Rule(ValidationSink sink, string path, JwtRule rule)
    {
        for (var i = 0; i < (rule.Audiences?.Count ?? 0); i++)
            if (string.IsNullOrEmpty(rule.Audiences![i])) sink.Error($"{path}.audiences[{i}]", "audience must be non-empty string");
        if (string.IsNullOrEmpty(rule.Issuer) && string.IsNullOrEmpty(rule.JwksUri))
            sink.Error($"{path}.issuer", "issuer or jwksUri must be non-empty string");
        if (!string.IsNullOrEmpty(rule.JwksUri) && JwksUriProblem(rule.JwksUri) is { } uriProblem)
            sink.Error($"{path}.jwksUri", uriProblem);
        if (!string.IsNullOrEmpty(rule.Jwks))
        {
            if (JwksProblem(rule.Jwks) is { } problem) sink.Error($"{path}.jwks", $"jwks parse error: {problem}");
            else PrivateKeyWarnings(sink, $"{path}.jwks", rule.Jwks);
            // istiod inlines jwks and never fetches jwksUri when both are set; say so rather than let the URI look used.
            if (!string.IsNullOrEmpty(rule.JwksUri))
                sink.Warning($"{path}.jwksUri", "set only one of jwks or jwksUri: the inline jwks is used and jwksUri is ignored");
        }
        if (string.IsNullOrEmpty(rule.Issuer) && !string.IsNullOrEmpty(rule.JwksUri))
            sink.Warning($"{path}.issuer", "without an issuer, tokens of any issuer signed by these keys are accepted");
        for (var i = 0; i < (rule.FromHeaders?.Count ?? 0); i++)
            if (string.IsNullOrEmpty(rule.FromHeaders![i].Name)) sink.Error($"{path}.fromHeaders[{i}].name", "location header name must be non-empty string");
        for (var i = 0; i < (rule.FromParams?.Count ?? 0); i++)
            if (string.IsNullOrEmpty(rule.FromParams![i])) sink.Error($"{path}.fromParams[{i}]", "location query must be non-empty string");
        for (var i = 0; i < (rule.FromCookies?.Count ?? 0); i++)
            if (string.IsNullOrEmpty(rule.FromCookies![i])) sink.Error($"{path}.fromCookies[{i}]", "cookie name must be non-empty string");
        for (var i = 0; i < (rule.OutputClaimToHeaders?.Count ?? 0); i++)
        {
            var claim = rule.OutputClaimToHeaders![i];
            var at = $"{path}.outputClaimToHeaders[{i}]";
            if (string.IsNullOrEmpty(claim.Header) || string.IsNullOrEmpty(claim.Claim))
                sink.Error(at, "outputClaimToHeaders header and claim value must be non-empty string");
            else if (!HeaderName().IsMatch(claim.Header))
                sink.Error($"{at}.header", $"header name \"{claim.Header}\" is not a valid HTTP header name");
        }
        if (!string.IsNullOrEmpty(rule.OutputPayloadToHeader) && !HeaderName().IsMatch(rule.OutputPayloadToHeader))
            sink.Error($"{path}.outputPayloadToHeader", $"header name \"{rule.OutputPayloadToHeader}\" is not a valid HTTP header name");
        if (rule.Timeout is { } timeout && timeout < TimeSpan.FromMilliseconds(1))
            sink.Error($"{path}.timeout", $"duration must be at least 1ms, got {timeout.TotalMilliseconds}ms");
    }

    /// <summary>As istiod's ParseJwksURI: an absolute http or https URL with a host.</summary>
    internal static string? JwksUriProblem(string uri)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || string.IsNullOrEmpty(parsed.Host))
            return $"invalid jwksUri \"{uri}\": expected an absolute http or https URL";
        return parsed.Scheme is "http" or "https" ? null : $"invalid jwksUri \"{uri}\": scheme must be http or https, not {parsed.Scheme}";
    }

    /// <summary>Why a JWKS document is not one (RFC 7517: an object whose "keys" is an array of keys, each with a "kty").</summary>
    internal static string? JwksProblem(string jwks)
    {
        try
        {
            using var document = JsonDocument.Parse(jwks, new JsonDocumentOptions { MaxDepth = 16 });
            if (document.RootElement.ValueKind != JsonValueKind.Object) return "expected a JSON object with \"keys\"";
            if (!document.RootElement.TryGetProperty("keys", out var keys) || keys.ValueKind != JsonValueKind.Array)
                return "expected a \"keys\" array";
            if (keys.GetArrayLength() == 0) return "the \"keys\" array is empty";
            var index = 0;
            foreach (var key in keys.EnumerateArray())
            {
                if (key.ValueKind != JsonValueKind.Object || !key.TryGetProperty("kty", out var kty) || kty.ValueKind != JsonValueKind.String)
                    return $"key {index} has no \"kty\"";
                index++;
            }
            return null;
        }
        catch (JsonException e)
        {
            return $"not valid JSON ({e.Message.Split('.')[0]})";
        }
    }

    private static void PrivateKeyWarnings(ValidationSink sink, string path, string jwks)
    {
        using var document = JsonDocument.Parse(jwks);
        var index = 0;
        foreach (var key in document.RootElement.GetProperty("keys").EnumerateArray())
        {
            var symmetric = key.GetProperty("kty").GetString() == "oct";
            if (symmetric || key.TryGetProperty("d", out _))
                sink.Warning(path, $"jwks key at index {index} contains private key material; only public keys are used for verification");
            index++;
        }
    }

    [GeneratedRegex("^[a-zA-Z0-9!#$%&'*+.^_|~`-]+$")]
    private static partial Regex HeaderName();
}
