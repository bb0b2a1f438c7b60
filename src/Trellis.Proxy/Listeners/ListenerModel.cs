using Envoy.Config.Core.V3;
using Trellis.Proxy.Routing;

namespace Trellis.Proxy.Listeners;

/// <summary>A listener the proxy runs: its socket (none for an internal listener, which only takes
/// connections the proxy hands it, such as terminated CONNECT tunnels) and the HTTP connection manager behind it.</summary>
internal sealed record ListenerModel(string Name, string? Address, int Port, TrafficDirection Direction, HttpConnectionManagerModel Hcm)
{
    public bool IsInternal => Address is null;

    /// <summary>What must change for the socket to be re-bound.</summary>
    public string BindKey => IsInternal ? "internal:" + Name : $"{Address}:{Port}";
}

/// <summary>The HCM settings the request path needs: where routes come from and which HTTP filters run.</summary>
/// <param name="SuppressEnvoyHeaders">The router's suppress_envoy_headers: replies the proxy makes itself do not explain
/// themselves in headers (x-trellis-reason, x-envoy-*), as on a gateway facing outside clients.</param>
internal sealed record HttpConnectionManagerModel(string StatPrefix, string? RdsName, RouteTable? InlineRoutes, IReadOnlyList<string> HttpFilters, bool GenerateRequestId,
    bool AllowsConnect = false, Trellis.Proxy.HttpFilters.Fault.FaultPolicy? Fault = null, bool SuppressEnvoyHeaders = false)
{
    /// <summary>The access logs written for every request (and CONNECT tunnel) this connection manager handles.</summary>
    public IReadOnlyList<AccessLogs.AccessLogModel> AccessLogs { get; init; } = [];

    /// <summary>The inline route table, or the RDS one from <paramref name="snapshot"/>; null until RDS has sent it.</summary>
    public RouteTable? RoutesIn(Configuration.ProxySnapshot snapshot) =>
        InlineRoutes ?? (RdsName is { } rds && snapshot.Routes.TryGetValue(rds, out var table) ? table : null);
}
