using Envoy.Config.Cluster.V3;
using Trellis.Proxy.Clusters;

namespace Trellis.Proxy.LoadBalancing;

/// <summary>Builds the balancer a cluster's lb_policy asks for; policies not implemented yet fall back to round robin.</summary>
internal static class LoadBalancerFactory
{
    public static ILoadBalancer Create(Cluster.Types.LbPolicy policy, IReadOnlyList<EndpointModel> endpoints)
    {
        var healthy = endpoints.Where(e => e.Healthy).ToArray();
        return policy switch
        {
            Cluster.Types.LbPolicy.Random => new RandomLoadBalancer(healthy),
            Cluster.Types.LbPolicy.LeastRequest => new LeastRequestLoadBalancer(healthy),
            _ => new RoundRobinLoadBalancer(healthy),
        };
    }
}
