using Envoy.Config.Cluster.V3;
using Trellis.Proxy.LoadBalancing;

namespace Trellis.Proxy.Clusters;

/// <summary>A cluster ready to take traffic: its settings, endpoints, balancer (the outlier detector when the
/// cluster has one), connection pool and circuit breaker.
/// <paramref name="Source"/> and <paramref name="EndpointSource"/> identify the xDS resources it was
/// built from, so an unchanged cluster keeps its balancer state across snapshots.</summary>
internal sealed record ClusterState(ClusterModel Model, IReadOnlyList<EndpointModel> Endpoints, ILoadBalancer Balancer, HttpMessageInvoker Invoker,
    CircuitBreaker Breaker, OutlierDetector? Outliers, object Source, object? EndpointSource)
{
    /// <summary>True for ORIGINAL_DST clusters, which forward to the authority the request names.</summary>
    public bool IsOriginalDestination => Model.Type == Cluster.Types.DiscoveryType.OriginalDst;
}
