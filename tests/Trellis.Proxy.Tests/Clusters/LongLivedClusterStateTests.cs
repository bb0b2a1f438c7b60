using System.Net;
using Envoy.Config.Cluster.V3;
using Envoy.Config.Endpoint.V3;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Trellis.Proxy.Tests.Support;
using Trellis.Xds;
using static Trellis.Proxy.Tests.Support.Envoy;

namespace Trellis.Proxy.Tests.Clusters;

/// <summary>A cluster's breaker counts, outlier state and pooled connections belong to the cluster for as long as
/// configuration names it: they survive pushes that change other clusters or this cluster's endpoints, and only
/// a change of connection settings replaces the pool.</summary>
public sealed class LongLivedClusterStateTests : IAsyncLifetime
{
    private const string Reviews = "outbound|9080||reviews.bookinfo.svc.cluster.local";
    private const string Other = "outbound|9080||ratings.bookinfo.svc.cluster.local";
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TestProxy _proxy = null!;
    private Upstream _good = null!;
    private Upstream _bad = null!;
    private Upstream _spare = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        _proxy = await TestProxy.StartAsync();
        Action<WebApplication> endpoints = app =>
        {
            app.MapGet("/connection", (HttpContext ctx) => ctx.Connection.Id);
            app.MapGet("/hold", async (HttpContext ctx) =>
            {
                await _release.Task.WaitAsync(TimeSpan.FromSeconds(30));
                await ctx.Response.WriteAsync("released");
            });
        };
        _good = await Upstream.StartAsync("good", endpoints);
        _bad = await Upstream.StartAsync("bad", endpoints);
        _spare = await Upstream.StartAsync("spare", endpoints);
        _port = Ports.Free();
    }

    public async Task DisposeAsync()
    {
        _release.TrySetResult();
        await _proxy.DisposeAsync();
        await _good.DisposeAsync();
        await _bad.DisposeAsync();
        await _spare.DisposeAsync();
    }

    private static Cluster ReviewsCluster(Action<Cluster>? change = null)
    {
        var cluster = Eds(Reviews);
        change?.Invoke(cluster);
        return cluster;
    }

    private Task PushAsync(Cluster reviews, ClusterLoadAssignment reviewsEndpoints) =>
        _proxy.PushAsync([reviews, Eds(Other)], [reviewsEndpoints, Endpoints(Other, _spare.Port)], [Listener("virtualOutbound", _port, "outbound")],
            [Routes("outbound", Host("reviews", ["reviews:9080"], ToCluster(Reviews)))]);

    private Task<string?> PushOtherEndpointsAsync(ClusterLoadAssignment reviewsEndpoints, params int[] otherPorts) =>
        _proxy.ApplyAsync(TypeUrls.ClusterLoadAssignment, reviewsEndpoints, Endpoints(Other, otherPorts));

    /// <summary>The same endpoints, told apart by weight: a change to the cluster's assignment that moves no traffic.</summary>
    private static ClusterLoadAssignment Reweighted(ClusterLoadAssignment assignment, uint weight)
    {
        var copy = assignment.Clone();
        foreach (var lb in copy.Endpoints[0].LbEndpoints) lb.LoadBalancingWeight = weight;
        return copy;
    }

    [Fact]
    public async Task Requests_in_flight_still_count_against_the_breaker_after_pushes_to_other_clusters_and_to_its_endpoints()
    {
        var endpoints = Endpoints(Reviews, _good.Port);
        await PushAsync(ReviewsCluster(c => c.CircuitBreakers = new CircuitBreakers
        {
            Thresholds = { new CircuitBreakers.Types.Thresholds { MaxConnections = 1, MaxPendingRequests = 0 } },
        }), endpoints);
        using var client = TestProxy.ClientVia(_port);
        var holding = client.GetAsync("http://reviews:9080/hold");
        await Wait.UntilAsync(() => _good.Requests == 1);

        Assert.Null(await PushOtherEndpointsAsync(endpoints, _spare.Port, _bad.Port));
        using (var overflow = await client.GetAsync("http://reviews:9080/connection"))
            Assert.Equal("true", overflow.Headers.GetValues("x-envoy-overloaded").Single());
        Assert.Null(await PushOtherEndpointsAsync(Reweighted(endpoints, 5), _spare.Port, _bad.Port));
        using (var overflow = await client.GetAsync("http://reviews:9080/connection"))
            Assert.Equal("true", overflow.Headers.GetValues("x-envoy-overloaded").Single());

        _release.SetResult();
        Assert.Equal(HttpStatusCode.OK, (await holding.WaitAsync(TimeSpan.FromSeconds(10))).StatusCode);
        using var after = await client.GetAsync("http://reviews:9080/connection");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task An_ejected_endpoint_stays_out_after_pushes_to_other_clusters_and_to_its_endpoints()
    {
        var endpoints = Endpoints(Reviews, _good.Port, _bad.Port);
        await PushAsync(ReviewsCluster(c =>
        {
            c.OutlierDetection = new OutlierDetection
            {
                Consecutive5Xx = 3,
                EnforcingConsecutive5Xx = 100,
                Interval = Duration.FromTimeSpan(TimeSpan.FromSeconds(10)),
                BaseEjectionTime = Duration.FromTimeSpan(TimeSpan.FromMinutes(3)),
                MaxEjectionPercent = 100,
            };
            c.CommonLbConfig = new Cluster.Types.CommonLbConfig { HealthyPanicThreshold = new global::Envoy.Type.V3.Percent { Value = 0 } };
        }), endpoints);
        _bad.FailNext(1000);
        using var client = TestProxy.ClientVia(_port);
        for (var i = 0; i < 10; i++) (await client.GetAsync("http://reviews:9080/flaky")).Dispose();
        Assert.Equal(3, _bad.Requests);

        Assert.Null(await PushOtherEndpointsAsync(endpoints, _spare.Port, _good.Port));
        Assert.Null(await PushOtherEndpointsAsync(Endpoints(Reviews, _good.Port, _bad.Port, _spare.Port), _spare.Port));
        var answers = new HashSet<string>();
        for (var i = 0; i < 20; i++) answers.Add(await client.GetStringAsync("http://reviews:9080/flaky"));
        Assert.Equal(["good", "spare"], answers.Order());
        Assert.Equal(3, _bad.Requests);
    }

    [Fact]
    public async Task Pooled_connections_survive_pushes_until_the_connect_timeout_changes()
    {
        var endpoints = Endpoints(Reviews, _good.Port);
        await PushAsync(ReviewsCluster(), endpoints);
        using var client = TestProxy.ClientVia(_port);
        var first = await client.GetStringAsync("http://reviews:9080/connection");

        Assert.Null(await PushOtherEndpointsAsync(endpoints, _spare.Port, _bad.Port));
        Assert.Equal(first, await client.GetStringAsync("http://reviews:9080/connection"));
        Assert.Null(await PushOtherEndpointsAsync(Reweighted(endpoints, 7), _spare.Port, _bad.Port));
        Assert.Equal(first, await client.GetStringAsync("http://reviews:9080/connection"));

        var slower = ReviewsCluster(c => c.ConnectTimeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(3)));
        Assert.Null(await _proxy.ApplyAsync(TypeUrls.Cluster, slower, Eds(Other)));
        Assert.NotEqual(first, await client.GetStringAsync("http://reviews:9080/connection"));
    }

    [Fact]
    public async Task A_cluster_removed_and_added_again_starts_afresh()
    {
        var endpoints = Endpoints(Reviews, _good.Port);
        await PushAsync(ReviewsCluster(), endpoints);
        using var client = TestProxy.ClientVia(_port);
        var first = await client.GetStringAsync("http://reviews:9080/connection");

        Assert.Null(await _proxy.ApplyAsync(TypeUrls.Cluster, Eds(Other)));
        using (var gone = await client.GetAsync("http://reviews:9080/connection"))
            Assert.Contains("which is not configured", gone.Headers.GetValues("x-trellis-reason").Single());
        Assert.False(_proxy.Runtime.Snapshots.Current.Clusters.ContainsKey(Reviews));

        Assert.Null(await _proxy.ApplyAsync(TypeUrls.Cluster, ReviewsCluster(), Eds(Other)));
        Assert.NotEqual(first, await client.GetStringAsync("http://reviews:9080/connection"));
    }
}
