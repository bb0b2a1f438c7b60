using Microsoft.AspNetCore.Http;
using Trellis.Proxy.Clusters;

namespace Trellis.Proxy.LoadBalancing;

/// <summary>Envoy's ROUND_ROBIN over the healthy endpoints, lock-free.</summary>
internal sealed class RoundRobinLoadBalancer(IReadOnlyList<EndpointModel> healthy) : ILoadBalancer
{
    private int _next = -1;

    public EndpointModel? Pick(HttpContext context, ulong? hash)
    {
        if (healthy.Count == 0) return null;
        var n = (uint)Interlocked.Increment(ref _next);
        return healthy[(int)(n % (uint)healthy.Count)];
    }
}
