using Microsoft.AspNetCore.Http;
using Trellis.Proxy.Clusters;
using Trellis.Proxy.LoadBalancing;
using static Trellis.Proxy.Tests.LoadBalancing.HashSamples;

namespace Trellis.Proxy.Tests.LoadBalancing;

public class RingHashLoadBalancerTests
{
    private const ulong DefaultMaximum = 8 * 1024 * 1024;

    [Fact]
    public void Builds_the_same_ring_as_envoy()
    {
        // Envoy's ring_hash_lb_test "Basic": hosts 127.0.0.1:90-95, minimum ring size 12, xxHash64.
        var lb = new RingHashLoadBalancer([.. Enumerable.Range(90, 6).Select(p => new EndpointModel("127.0.0.1", p, true, 1, null))], 12, DefaultMaximum);
        var http = new DefaultHttpContext();
        Assert.Equal(12, lb.RingSize);
        Assert.Equal(94, lb.Pick(http, 0)!.Port);
        Assert.Equal(94, lb.Pick(http, ulong.MaxValue)!.Port);
        Assert.Equal(95, lb.Pick(http, 3551244743356806947)!.Port);
        Assert.Equal(93, lb.Pick(http, 3551244743356806948)!.Port);
        Assert.Equal(90, lb.Pick(http, 16117243373044804880)!.Port);
        Assert.Equal(90, lb.Pick(http, 16117243373044804889)!.Port);
        Assert.Equal(94, lb.Pick(http, 16117243373044804890)!.Port);
    }

    [Fact]
    public void The_same_hash_always_picks_the_same_endpoint()
    {
        var lb = new RingHashLoadBalancer(Endpoints(5), 1024, DefaultMaximum);
        var hashes = Hashes(1_000);
        Assert.Equal(Picks(lb, hashes), Picks(lb, hashes));
    }

    [Fact]
    public void Endpoint_order_does_not_change_the_ring()
    {
        // Unequal weights and a capped ring leave hosts fractional shares of points, so the carry
        // between hosts would depend on their order if the ring did not sort them.
        EndpointModel[] endpoints = [Endpoint(0, 1), Endpoint(1, 2), Endpoint(2, 3), Endpoint(3, 5), Endpoint(4, 7), Endpoint(5, 2)];
        var shuffled = endpoints.ToArray();
        new Random(7).Shuffle(shuffled);
        Assert.NotEqual(endpoints, shuffled);

        var hashes = Hashes(10_000);
        var a = new RingHashLoadBalancer(endpoints, 1024, 1021);
        var b = new RingHashLoadBalancer(shuffled, 1024, 1021);
        var c = new RingHashLoadBalancer([.. endpoints.Reverse()], 1024, 1021);
        Assert.Equal(1021, a.RingSize);
        Assert.Equal(Picks(a, hashes), Picks(b, hashes));
        Assert.Equal(Picks(a, hashes), Picks(c, hashes));
    }

    [Fact]
    public void Spreads_keys_over_equal_endpoints()
    {
        var shares = Shares(new RingHashLoadBalancer(Endpoints(4), 1024, DefaultMaximum), Hashes(40_000));
        Assert.Equal(4, shares.Count);
        Assert.All(shares.Values, share => Assert.InRange(share, 0.15, 0.35));
    }

    [Fact]
    public void Removing_an_endpoint_moves_only_its_keys_while_the_others_keep_their_points()
    {
        // Every host gets ceil(minimum / hosts) points, so with a minimum of 4 both 5 and 4 hosts get
        // one point each: the survivors' points are unchanged and only the removed host's arc moves.
        var endpoints = Endpoints(5);
        var hashes = Hashes(10_000);
        var before = Picks(new RingHashLoadBalancer(endpoints, 4, DefaultMaximum), hashes);
        var removed = endpoints[2].Authority;
        var after = Picks(new RingHashLoadBalancer([.. endpoints.Where(e => e.Authority != removed)], 4, DefaultMaximum), hashes);

        Assert.Contains(removed, before);
        for (var i = 0; i < hashes.Length; i++)
        {
            if (before[i] == removed) Assert.NotEqual(removed, after[i]);
            else Assert.Equal(before[i], after[i]);
        }
    }

    [Fact]
    public void Removing_an_endpoint_keeps_most_other_keys_in_place()
    {
        // With a 1024 minimum, 5 hosts get 205 points each and 4 hosts 256: the survivors' first 205
        // points stay where they were, and only keys landing before one of the 51 new points per
        // survivor can change host (Envoy behaves the same).
        var endpoints = Endpoints(5);
        var hashes = Hashes(40_000);
        var before = Picks(new RingHashLoadBalancer(endpoints, 1024, DefaultMaximum), hashes);
        var removed = endpoints[2].Authority;
        var after = Picks(new RingHashLoadBalancer([.. endpoints.Where(e => e.Authority != removed)], 1024, DefaultMaximum), hashes);

        var stayed = Enumerable.Range(0, hashes.Length).Where(i => before[i] != removed).ToArray();
        var moved = stayed.Count(i => after[i] != before[i]);
        Assert.InRange((double)moved / stayed.Length, 0, 0.2);
        Assert.All(Enumerable.Range(0, hashes.Length).Where(i => before[i] == removed), i => Assert.NotEqual(removed, after[i]));
    }

    [Fact]
    public void A_heavier_endpoint_gets_a_proportional_share()
    {
        var shares = Shares(new RingHashLoadBalancer([Endpoint(0, 3), Endpoint(1, 1)], 1024, DefaultMaximum), Hashes(40_000));
        Assert.InRange(shares[Endpoint(0).Authority], 0.65, 0.85);
    }

    [Theory]
    [InlineData(1, 1024UL, DefaultMaximum, 1024)]
    [InlineData(3, 1024UL, DefaultMaximum, 1026)] // 342 points each
    [InlineData(7, 1000UL, 1000UL, 1000)] // 143 each would be 1001: scaled back to the maximum
    [InlineData(5, 1024UL, 1022UL, 1022)]
    [InlineData(10, 8UL, 8UL, 8)] // fewer points than hosts: some hosts get none
    public void The_ring_holds_at_least_the_minimum_and_at_most_the_maximum_points(int endpoints, ulong minimum, ulong maximum, int expected)
    {
        var lb = new RingHashLoadBalancer(Endpoints(endpoints), minimum, maximum);
        Assert.Equal(expected, lb.RingSize);
        Assert.InRange((ulong)lb.RingSize, Math.Min(minimum, maximum), maximum);
    }

    [Fact]
    public void Weighted_rings_stay_within_their_bounds()
    {
        EndpointModel[] endpoints = [Endpoint(0, 1), Endpoint(1, 2), Endpoint(2, 3), Endpoint(3, 0), Endpoint(4, 100)];
        foreach (var (minimum, maximum) in new (ulong, ulong)[] { (1024, DefaultMaximum), (1024, 1024), (100, 5000), (1, 3), (4096, 4099) })
        {
            var size = (ulong)new RingHashLoadBalancer(endpoints, minimum, maximum).RingSize;
            Assert.InRange(size, minimum, maximum);
        }
    }

    [Fact]
    public void A_request_without_a_hash_still_gets_an_endpoint()
    {
        var endpoints = Endpoints(3);
        var lb = new RingHashLoadBalancer(endpoints, 1024, DefaultMaximum);
        for (var i = 0; i < 100; i++) Assert.Contains(lb.Pick(new DefaultHttpContext(), null), endpoints);
    }

    [Fact]
    public void No_healthy_endpoint_picks_nothing()
    {
        var lb = new RingHashLoadBalancer([], 1024, DefaultMaximum);
        Assert.Equal(0, lb.RingSize);
        Assert.Null(lb.Pick(new DefaultHttpContext(), 12345));
        Assert.Null(lb.Pick(new DefaultHttpContext(), null));
    }
}
