using Microsoft.AspNetCore.Http;
using Trellis.Proxy.Clusters;
using Trellis.Proxy.LoadBalancing;
using static Trellis.Proxy.Tests.LoadBalancing.HashSamples;

namespace Trellis.Proxy.Tests.LoadBalancing;

public class MaglevLoadBalancerTests
{
    private const ulong DefaultTableSize = 65537;

    /// <summary>Hashes 0 to size - 1 land on each table slot exactly once.</summary>
    private static ulong[] EverySlot(ulong size) => [.. Enumerable.Range(0, (int)size).Select(i => (ulong)i)];

    private static EndpointModel Envoy(int port, uint weight = 1) => new("127.0.0.1", port, true, weight, null);

    [Fact]
    public void Builds_the_same_table_as_envoy()
    {
        // Envoy's maglev_lb_test "Basic": hosts 127.0.0.1:90-95, table size 7.
        var lb = new MaglevLoadBalancer([.. Enumerable.Range(90, 6).Select(p => Envoy(p))], 7);
        var http = new DefaultHttpContext();
        Assert.Equal(7, lb.TableSize);
        Assert.Equal([92, 94, 90, 91, 95, 90, 93], EverySlot(7).Select(h => lb.Pick(http, h)!.Port));
        Assert.Equal(91, lb.Pick(http, 10)!.Port);
    }

    [Fact]
    public void Builds_the_same_weighted_table_as_envoy()
    {
        // Envoy's maglev_lb_test "Weighted": 127.0.0.1:90 weight 1, :91 weight 2, table size 17.
        var lb = new MaglevLoadBalancer([Envoy(90, 1), Envoy(91, 2)], 17);
        var http = new DefaultHttpContext();
        Assert.Equal([91, 90, 90, 91, 90, 91, 91, 90, 91, 91, 91, 91, 91, 90, 91, 90, 91], EverySlot(17).Select(h => lb.Pick(http, h)!.Port));
    }

    [Fact]
    public void The_same_hash_always_picks_the_same_endpoint()
    {
        var lb = new MaglevLoadBalancer(Endpoints(5), DefaultTableSize);
        var hashes = Hashes(1_000);
        Assert.Equal(Picks(lb, hashes), Picks(lb, hashes));
    }

    [Fact]
    public void Endpoint_order_does_not_change_the_table()
    {
        EndpointModel[] endpoints = [Endpoint(0, 1), Endpoint(1, 2), Endpoint(2, 3), Endpoint(3, 5), Endpoint(4, 7), Endpoint(5, 2)];
        var shuffled = endpoints.ToArray();
        new Random(7).Shuffle(shuffled);
        Assert.NotEqual(endpoints, shuffled);

        var hashes = Hashes(10_000);
        var a = new MaglevLoadBalancer(endpoints, DefaultTableSize);
        Assert.Equal(Picks(a, hashes), Picks(new MaglevLoadBalancer(shuffled, DefaultTableSize), hashes));
        Assert.Equal(Picks(a, hashes), Picks(new MaglevLoadBalancer([.. endpoints.Reverse()], DefaultTableSize), hashes));
    }

    [Fact]
    public void Gives_equal_endpoints_equal_shares_of_the_table()
    {
        var lb = new MaglevLoadBalancer(Endpoints(4), DefaultTableSize);
        Assert.Equal((int)DefaultTableSize, lb.TableSize);
        var shares = Shares(lb, EverySlot(DefaultTableSize));
        Assert.Equal(4, shares.Count);
        Assert.All(shares.Values, share => Assert.InRange(share, 0.24, 0.26));
    }

    [Fact]
    public void Spreads_random_keys_over_equal_endpoints()
    {
        var shares = Shares(new MaglevLoadBalancer(Endpoints(4), DefaultTableSize), Hashes(40_000));
        Assert.Equal(4, shares.Count);
        Assert.All(shares.Values, share => Assert.InRange(share, 0.23, 0.27));
    }

    [Fact]
    public void Removing_an_endpoint_moves_few_other_keys()
    {
        var endpoints = Endpoints(5);
        var slots = EverySlot(DefaultTableSize);
        var before = Picks(new MaglevLoadBalancer(endpoints, DefaultTableSize), slots);
        var removed = endpoints[2].Authority;
        var after = Picks(new MaglevLoadBalancer([.. endpoints.Where(e => e.Authority != removed)], DefaultTableSize), slots);

        // Envoy's table moves about 0.1% of them here; 10% would already be a broken permutation.
        var stayed = Enumerable.Range(0, slots.Length).Where(i => before[i] != removed).ToArray();
        var moved = stayed.Count(i => after[i] != before[i]);
        Assert.InRange((double)moved / stayed.Length, 0, 0.02);
        Assert.DoesNotContain(removed, after);
    }

    [Fact]
    public void A_heavier_endpoint_gets_a_proportional_share()
    {
        var lb = new MaglevLoadBalancer([Endpoint(0, 3), Endpoint(1, 1)], DefaultTableSize);
        Assert.InRange(Shares(lb, Hashes(40_000))[Endpoint(0).Authority], 0.65, 0.85);
        Assert.InRange(Shares(lb, EverySlot(DefaultTableSize))[Endpoint(0).Authority], 0.74, 0.76);
    }

    [Fact]
    public void An_unset_weight_counts_as_one()
    {
        var lb = new MaglevLoadBalancer([Endpoint(0, 0), Endpoint(1, 1)], DefaultTableSize);
        Assert.Equal(Picks(new MaglevLoadBalancer([Endpoint(0, 1), Endpoint(1, 1)], DefaultTableSize), Hashes(1_000)), Picks(lb, Hashes(1_000)));
    }

    [Fact]
    public void A_request_without_a_hash_still_gets_an_endpoint()
    {
        var endpoints = Endpoints(3);
        var lb = new MaglevLoadBalancer(endpoints, DefaultTableSize);
        for (var i = 0; i < 100; i++) Assert.Contains(lb.Pick(new DefaultHttpContext(), null), endpoints);
    }

    [Fact]
    public void No_healthy_endpoint_picks_nothing()
    {
        var lb = new MaglevLoadBalancer([], DefaultTableSize);
        Assert.Equal(0, lb.TableSize);
        Assert.Null(lb.Pick(new DefaultHttpContext(), 12345));
        Assert.Null(lb.Pick(new DefaultHttpContext(), null));
    }
}
