using Envoy.Config.Route.V3;
using Microsoft.AspNetCore.Http;

namespace Trellis.Proxy.Routing;

/// <summary>All conditions of one Envoy RouteMatch: path, headers (including pseudo-headers) and query parameters.</summary>
internal sealed class RouteMatcher(PathMatch path, HeaderMatch[] headers, QueryParameterMatch[] query, bool grpcOnly)
{
    public PathMatch Path { get; } = path;

    public static RouteMatcher From(RouteMatch m, string where) => new(
        PathMatch.From(m, where),
        m.Headers.Select(h => HeaderMatch.From(h, where)).ToArray(),
        m.QueryParameters.Select(q => QueryParameterMatch.From(q, where)).ToArray(),
        m.Grpc is not null);

    public bool Matches(HttpRequest request)
    {
        // An HTTP/1.1 CONNECT has no path: only connect_matcher routes take it, and they take nothing else.
        var isConnect = HttpMethods.IsConnect(request.Method);
        if (Path.Type == PathMatch.Kind.Connect ? !isConnect : isConnect || !Path.Matches(request.Path.Value ?? "/")) return false;
        if (grpcOnly && request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) != true) return false;
        foreach (var h in headers)
            if (!h.Matches(request)) return false;
        foreach (var q in query)
            if (!q.Matches(request)) return false;
        return true;
    }
}
