using Microsoft.AspNetCore.Http;
using Trellis.Proxy.Clusters;

namespace Trellis.Proxy.LoadBalancing;

/// <summary>Envoy's RANDOM: a uniform pick among healthy endpoints.</summary>
internal sealed class RandomLoadBalancer(IReadOnlyList<EndpointModel> healthy) : ILoadBalancer
{
    public EndpointModel? Pick(HttpContext context, ulong? hash) => healthy.Count == 0 ? null : healthy[Random.Shared.Next(healthy.Count)];
}
