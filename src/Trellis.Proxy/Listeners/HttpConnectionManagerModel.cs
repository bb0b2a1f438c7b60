using Trellis.Proxy.Routing;

namespace Trellis.Proxy.Listeners;

/// <summary>The HCM settings the request path needs: where routes come from and which HTTP filters run.</summary>
/// <param name="SuppressEnvoyHeaders">The router's suppress_envoy_headers: replies the proxy makes itself do not explain
/// themselves in headers (x-trellis-reason, x-envoy-*), as on a gateway facing outside clients.</param>
internal sealed record HttpConnectionManagerModel(string StatPrefix, string? RdsName, RouteTable? InlineRoutes, IReadOnlyList<string> HttpFilters, bool GenerateRequestId,
    bool AllowsConnect = false, Trellis.Proxy.HttpFilters.Fault.FaultPolicy? Fault = null, bool SuppressEnvoyHeaders = false)
{
    /// <summary>The inline route table, or the RDS one from <paramref name="snapshot"/>; null until RDS has sent it.</summary>
    public RouteTable? RoutesIn(Configuration.ProxySnapshot snapshot) =>
        InlineRoutes ?? (RdsName is { } rds && snapshot.Routes.TryGetValue(rds, out var table) ? table : null);
}
