using Envoy.Config.Cluster.V3;
using Trellis.Proxy.LoadBalancing;

namespace Trellis.Proxy.Clusters;

/// <summary>The settings of one CDS cluster the data path needs, independent of its endpoints.</summary>
/// <param name="Reserved">The ports a passthrough cluster must never connect to; none for other clusters.</param>
internal sealed record ClusterModel(
    string Name,
    Cluster.Types.DiscoveryType Type,
    Cluster.Types.LbPolicy LbPolicy,
    HashRingSettings Hashing,
    UpstreamProtocol Protocol,
    TimeSpan ConnectTimeout,
    string EdsServiceName,
    ServiceInfo? Service,
    string? Subset,
    CircuitBreakerLimits Limits,
    TimeSpan IdleTimeout,
    OutlierSettings? Outliers,
    ReservedDestinations Reserved)
{
    /// <summary>What decides whether two versions of a cluster can share one connection pool.</summary>
    public (UpstreamProtocol, TimeSpan, uint, TimeSpan, string) PoolKey => (Protocol, ConnectTimeout, Limits.MaxConnections, IdleTimeout, Reserved.Key);
}
