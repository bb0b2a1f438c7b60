using Microsoft.AspNetCore.Http;

namespace Trellis.Proxy.HttpFilters.JwtAuthn;

/// <summary>Reads the token at each location of the policy (null where there is none), as Envoy's extractor does:
/// a header only when it carries the prefix (matched case-insensitively), a query parameter, a cookie.</summary>
internal static class JwtExtraction
{
    public static string?[] Extract(HttpRequest request, IReadOnlyList<JwtLocation> locations)
    {
        var tokens = new string?[locations.Count];
        for (var i = 0; i < locations.Count; i++)
        {
            var location = locations[i];
            tokens[i] = location.Kind switch
            {
                JwtLocationKind.Header => FromHeader(request.Headers[location.Name].ToString(), location.Prefix),
                JwtLocationKind.Param => NullIfEmpty(request.Query[location.Name].ToString()),
                _ => NullIfEmpty(request.Cookies[location.Name]),
            };
        }
        return tokens;
    }

    private static string? FromHeader(string value, string prefix)
    {
        if (value.Length == 0) return null;
        if (!value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return null;
        return NullIfEmpty(value[prefix.Length..].Trim());
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
