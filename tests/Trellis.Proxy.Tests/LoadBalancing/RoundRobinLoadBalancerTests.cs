using Envoy.Config.Cluster.V3;
using Microsoft.AspNetCore.Http;
using Trellis.Proxy.Clusters;
using Trellis.Proxy.LoadBalancing;

namespace Trellis.Proxy.Tests.LoadBalancing;

public class RoundRobinLoadBalancerTests
{
    private static EndpointModel Endpoint(int port, bool healthy = true) => new("127.0.0.1", port, healthy, 1, null);

    [Fact]
    public void Cycles_through_healthy_endpoints_in_order()
    {
        var lb = LoadBalancerFactory.Create(Cluster.Types.LbPolicy.RoundRobin, [Endpoint(1), Endpoint(2, healthy: false), Endpoint(3), Endpoint(4)]);
        var http = new DefaultHttpContext();
        var picks = Enumerable.Range(0, 6).Select(_ => lb.Pick(http, null)!.Port).ToArray();
        Assert.Equal([1, 3, 4, 1, 3, 4], picks);
    }

    [Fact]
    public void Spreads_evenly_under_concurrency()
    {
        var lb = new RoundRobinLoadBalancer([Endpoint(1), Endpoint(2), Endpoint(3)]);
        var counts = new int[4];
        Parallel.For(0, 30_000, _ => Interlocked.Increment(ref counts[lb.Pick(new DefaultHttpContext(), null)!.Port]));
        Assert.Equal([0, 10_000, 10_000, 10_000], counts);
    }

    [Fact]
    public void No_healthy_endpoint_picks_nothing() =>
        Assert.Null(LoadBalancerFactory.Create(Cluster.Types.LbPolicy.RoundRobin, [Endpoint(1, healthy: false)]).Pick(new DefaultHttpContext(), null));
}
