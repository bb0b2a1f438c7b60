using Microsoft.AspNetCore.Http;
using Trellis.Proxy.Clusters;

namespace Trellis.Proxy.LoadBalancing;

/// <summary>Envoy's LEAST_REQUEST with two random choices: the one with fewer requests in flight wins.</summary>
internal sealed class LeastRequestLoadBalancer(IReadOnlyList<EndpointModel> healthy) : ILoadBalancer
{
    private readonly int[] _active = new int[healthy.Count];

    public EndpointModel? Pick(HttpContext context, ulong? hash)
    {
        if (healthy.Count == 0) return null;
        var a = Random.Shared.Next(healthy.Count);
        var b = Random.Shared.Next(healthy.Count);
        var chosen = Volatile.Read(ref _active[b]) < Volatile.Read(ref _active[a]) ? b : a;
        Interlocked.Increment(ref _active[chosen]);
        context.Response.RegisterForDispose(new Release(_active, chosen));
        return healthy[chosen];
    }

    private sealed class Release(int[] active, int index) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref active[index]);
    }
}
