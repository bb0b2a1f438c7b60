using Microsoft.AspNetCore.Http;
using Trellis.Proxy.Clusters;
using Trellis.Proxy.LoadBalancing;

namespace Trellis.Proxy.Tests.LoadBalancing;

/// <summary>Endpoints and request hashes for the consistent-hashing balancer tests.</summary>
internal static class HashSamples
{
    public static EndpointModel Endpoint(int i, uint weight = 1) => new("127.0.0.1", 9000 + i, true, weight, null);

    public static EndpointModel[] Endpoints(int count) => [.. Enumerable.Range(0, count).Select(i => Endpoint(i))];

    /// <summary>Uniform over the whole 64-bit range, which a ring needs to be sampled fairly.</summary>
    public static ulong[] Hashes(int count, int seed = 42)
    {
        var random = new Random(seed);
        var bytes = new byte[8];
        var hashes = new ulong[count];
        for (var i = 0; i < count; i++)
        {
            random.NextBytes(bytes);
            hashes[i] = BitConverter.ToUInt64(bytes);
        }
        return hashes;
    }

    public static string[] Picks(ILoadBalancer lb, ulong[] hashes)
    {
        var http = new DefaultHttpContext();
        return [.. hashes.Select(h => lb.Pick(http, h)!.Authority)];
    }

    public static Dictionary<string, double> Shares(ILoadBalancer lb, ulong[] hashes) =>
        Picks(lb, hashes).GroupBy(a => a).ToDictionary(g => g.Key, g => (double)g.Count() / hashes.Length);
}
