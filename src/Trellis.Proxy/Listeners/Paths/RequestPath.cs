using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Trellis.Proxy.Forwarding;

namespace Trellis.Proxy.Listeners.Paths;

/// <summary>Defines the one path a request has from here on. Kestrel's Request.Path is already decoded and
/// dot-resolved, which is neither what the client sent nor what the HCM's settings ask for; so the path is taken
/// from the raw request target, normalized as configured, and put back on the request, where routing, RBAC and
/// the upstream request all read it.</summary>
internal static class RequestPath
{
    /// <summary>Null when the request goes on; otherwise the local reply that ends it (400, or 307 for UNESCAPE_AND_REDIRECT).</summary>
    public static Task? Normalize(RequestContext context)
    {
        var request = context.Http.Request;
        var target = context.Http.Features.Get<IHttpRequestFeature>()?.RawTarget;
        // Requests without a target of their own (OPTIONS *, requests a test builds) keep what they have.
        if (string.IsNullOrEmpty(target) || target == "*") return null;
        var (path, query) = PathNormalizer.Split(target);
        if (path.Length == 0 || path[0] != '/')
            return LocalReply.WriteAsync(context, 400, ResponseFlags.None, "Bad Request", "the request target is not an absolute path");
        switch (PathNormalizer.Normalize(path, context.Hcm.Paths, out var normalized, out var why))
        {
            case PathOutcome.Reject:
                return LocalReply.WriteAsync(context, 400, ResponseFlags.None, "Bad Request", $"path_normalization_failed: {why}");
            case PathOutcome.Redirect when IsGrpc(request):
                return LocalReply.WriteAsync(context, 400, ResponseFlags.None, "Bad Request",
                    "path_normalization_failed: a gRPC request with an escaped slash cannot be redirected (UNESCAPE_AND_REDIRECT)");
            case PathOutcome.Redirect:
                return LocalReply.WriteAsync(context, 307, ResponseFlags.None, "", "the path held escaped slashes: redirected to the unescaped path (UNESCAPE_AND_REDIRECT)",
                    ("location", normalized + query));
        }
        if (!string.Equals(request.Path.Value, normalized, StringComparison.Ordinal)) request.Path = new PathString(normalized);
        if (!string.Equals(request.QueryString.Value ?? "", query, StringComparison.Ordinal)) request.QueryString = new QueryString(query);
        return null;
    }

    private static bool IsGrpc(HttpRequest request) => request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;
}
