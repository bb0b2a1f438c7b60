using Microsoft.AspNetCore.Http;
using Trellis.Proxy.Routing;

namespace Trellis.Proxy.Forwarding;

/// <summary>Builds the Location of an Envoy redirect and the upstream path of a rewrite.</summary>
internal static class Redirects
{
    public static string Location(HttpRequest request, RedirectActionModel r, PathMatch match)
    {
        var scheme = r.Scheme ?? request.Scheme;
        var host = r.Host ?? request.Host.Host;
        int? port = r.Port != 0 ? (int)r.Port : r.Host is null ? request.Host.Port : null;
        // Envoy drops the port when the scheme changes to one whose default it is.
        if ((scheme == "https" && port == 443) || (scheme == "http" && port == 80) || (r.Scheme is not null && r.Port == 0)) port = null;
        var path = r.PathRedirect ?? Rewrite(request.Path.Value ?? "/", match, r.PrefixRewrite, r.RegexRewrite);
        var query = r.StripQuery || (r.PathRedirect?.Contains('?') ?? false) ? "" : request.QueryString.Value;
        return $"{scheme}://{host}{(port is { } p ? ":" + p : "")}{path}{query}";
    }

    /// <summary>The path after prefix_rewrite (replacing what the prefix or path match consumed) or regex_rewrite.</summary>
    public static string Rewrite(string path, PathMatch match, string? prefixRewrite, (System.Text.RegularExpressions.Regex Pattern, string Substitution)? regexRewrite)
    {
        if (regexRewrite is { } rr) return rr.Pattern.Replace(path, rr.Substitution);
        if (prefixRewrite is null) return path;
        return match.Type switch
        {
            PathMatch.Kind.Prefix or PathMatch.Kind.SeparatedPrefix => prefixRewrite + path[match.Value.Length..],
            PathMatch.Kind.Exact => prefixRewrite,
            _ => path,
        };
    }
}
