using Envoy.Config.Cluster.V3;
using Trellis.Proxy.LoadBalancing;
using Trellis.Proxy.Outbound.Endpoint;

namespace Trellis.Proxy.Clusters;

/// <summary>The settings of one CDS cluster the data path needs, independent of its endpoints.</summary>
/// <param name="Reuse">How long and for how many requests its upstream HTTP connections are reused.</param>
/// <param name="Reserved">The ports a passthrough cluster must never connect to; none for other clusters.</param>
/// <param name="TransportSocket">What its connections speak over TCP (transport_socket).</param>
/// <param name="SocketMatches">transport_socket_matches, which pick another socket for some endpoints.</param>
/// <param name="Keepalive">upstream_connection_options.tcp_keepalive; null leaves keepalive off.</param>
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
    ConnectionReuse Reuse,
    OutlierSettings? Outliers,
    ReservedDestinations Reserved,
    IUpstreamTransportSocket TransportSocket,
    TransportSocketMatches SocketMatches,
    TcpKeepalive? Keepalive = null)
{
    /// <summary>True for ORIGINAL_DST clusters, which forward to the authority the request names.</summary>
    public bool IsOriginalDestination => Type == Cluster.Types.DiscoveryType.OriginalDst;

    /// <summary>What decides whether two versions of a cluster can share one connection pool.</summary>
    public (UpstreamProtocol, TimeSpan, uint, ConnectionReuse, string, IUpstreamTransportSocket, TransportSocketMatches, TcpKeepalive?) PoolKey =>
        (Protocol, ConnectTimeout, Limits.MaxConnections, Reuse, Reserved.Key, TransportSocket, SocketMatches, Keepalive);
}
