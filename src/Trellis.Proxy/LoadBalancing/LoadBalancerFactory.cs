using Envoy.Config.Cluster.V3;
using Trellis.Proxy.Clusters;

namespace Trellis.Proxy.LoadBalancing;

/// <summary>Builds the balancer a cluster's lb_policy asks for; CLUSTER_PROVIDED and LOAD_BALANCING_POLICY_CONFIG
/// fall back to round robin.</summary>
internal static class LoadBalancerFactory
{
    public static ILoadBalancer Create(Cluster.Types.LbPolicy policy, IReadOnlyList<EndpointModel> endpoints, HashRingSettings? hashing = null)
    {
        var healthy = endpoints.Where(e => e.Healthy).ToArray();
        hashing ??= HashRingSettings.Default;
        return policy switch
        {
            Cluster.Types.LbPolicy.Random => new RandomLoadBalancer(healthy),
            Cluster.Types.LbPolicy.LeastRequest => new LeastRequestLoadBalancer(healthy),
            Cluster.Types.LbPolicy.RingHash => new RingHashLoadBalancer(healthy, hashing.MinimumRingSize, hashing.MaximumRingSize),
            Cluster.Types.LbPolicy.Maglev => new MaglevLoadBalancer(healthy, hashing.MaglevTableSize),
            _ => new RoundRobinLoadBalancer(healthy),
        };
    }
}
