using Envoy.Config.Listener.V3;
using Envoy.Config.Route.V3;
using Trellis.Xds;
using TcpProxyConfig = Envoy.Extensions.Filters.Network.TcpProxy.V3.TcpProxy;

namespace Trellis.ControlPlane.Translation.Gateway;

/// <summary>envoy.filters.network.tcp_proxy to the cluster(s) a route action names, with Istio's stat prefix (the cluster)
/// and the destination's DestinationRule limits on idle and total connection time.</summary>
internal static class TcpProxyFilter
{
    public const string Name = "envoy.filters.network.tcp_proxy";

    /// <param name="tunnel">The authority to CONNECT to through the endpoint, when the endpoints are sidecars.</param>
    public static Filter For(RouteAction action, string? tunnel, TcpConnectionLimits limits)
    {
        var config = new TcpProxyConfig { IdleTimeout = limits.Idle, MaxDownstreamConnectionDuration = limits.MaxDuration };
        if (tunnel is not null) config.TunnelingConfig = new TcpProxyConfig.Types.TunnelingConfig { Hostname = tunnel };
        if (action.WeightedClusters is { } weighted)
        {
            config.StatPrefix = string.Join(";", weighted.Clusters.Select(c => c.Name));
            config.WeightedClusters = new TcpProxyConfig.Types.WeightedCluster();
            foreach (var c in weighted.Clusters)
                config.WeightedClusters.Clusters.Add(new TcpProxyConfig.Types.WeightedCluster.Types.ClusterWeight { Name = c.Name, Weight = c.Weight ?? 0 });
        }
        else
        {
            config.StatPrefix = config.Cluster = action.Cluster;
        }
        return new Filter { Name = Name, TypedConfig = XdsAny.Pack(config) };
    }
}
