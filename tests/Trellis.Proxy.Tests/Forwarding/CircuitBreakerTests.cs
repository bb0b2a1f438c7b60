using System.Net;
using Envoy.Config.Cluster.V3;
using Envoy.Config.Route.V3;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Trellis.Proxy.Clusters;
using Trellis.Proxy.Tests.Support;
using static Trellis.Proxy.Tests.Support.Envoy;

namespace Trellis.Proxy.Tests.Forwarding;

/// <summary>Circuit breaking as in Istio's task: with one connection and one pending request allowed, a
/// third concurrent request overflows at once (503 UO) instead of queueing; retries stop at max_retries.</summary>
public sealed class CircuitBreakerTests : IAsyncLifetime
{
    private const string Httpbin = "outbound|8000||httpbin.default.svc.cluster.local";
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TestProxy _proxy = null!;
    private Upstream _httpbin = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        _proxy = await TestProxy.StartAsync();
        _httpbin = await Upstream.StartAsync("httpbin", app => app.MapGet("/hold", async (HttpContext ctx) =>
        {
            await _release.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await ctx.Response.WriteAsync("released");
        }));
        _port = Ports.Free();
    }

    public async Task DisposeAsync()
    {
        _release.TrySetResult();
        await _proxy.DisposeAsync();
        await _httpbin.DisposeAsync();
    }

    private Task ConfigureAsync(CircuitBreakers.Types.Thresholds thresholds, RetryPolicy? retry = null)
    {
        var cluster = Eds(Httpbin);
        cluster.CircuitBreakers = new CircuitBreakers { Thresholds = { thresholds } };
        var route = ToCluster(Httpbin);
        route.Route_.RetryPolicy = retry;
        return _proxy.PushAsync([cluster], [Endpoints(Httpbin, _httpbin.Port)], [Listener("virtualOutbound", _port, "outbound")],
            [Routes("outbound", Host("httpbin", ["httpbin:8000"], route))]);
    }

    [Fact]
    public async Task Beyond_one_connection_and_one_pending_request_a_request_overflows()
    {
        await ConfigureAsync(new CircuitBreakers.Types.Thresholds { MaxConnections = 1, MaxPendingRequests = 1 });
        using var client = TestProxy.ClientVia(_port);
        var first = client.GetAsync("http://httpbin:8000/hold");
        var second = client.GetAsync("http://httpbin:8000/hold");
        // The first holds the only connection; the second waits as the one pending request.
        await Wait.UntilAsync(() => _httpbin.Requests == 1);

        using var third = await client.GetAsync("http://httpbin:8000/hold").WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, third.StatusCode);
        Assert.Equal("true", third.Headers.GetValues("x-envoy-overloaded").Single());
        Assert.Equal("upstream connect error or disconnect/reset before headers. reset reason: overflow", await third.Content.ReadAsStringAsync());
        Assert.Contains("circuit breaker limit", third.Headers.GetValues("x-trellis-reason").Single());

        _release.SetResult();
        Assert.Equal(HttpStatusCode.OK, (await first.WaitAsync(TimeSpan.FromSeconds(10))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.WaitAsync(TimeSpan.FromSeconds(10))).StatusCode);
        Assert.Equal(2, _httpbin.Requests);
        Assert.Contains("response_flags=\"UO\"", await _proxy.Admin.GetStringAsync("/stats/prometheus"));
    }

    [Fact]
    public async Task Once_the_cluster_drains_requests_are_admitted_again()
    {
        await ConfigureAsync(new CircuitBreakers.Types.Thresholds { MaxConnections = 1, MaxPendingRequests = 0 });
        using var client = TestProxy.ClientVia(_port);
        var holding = client.GetAsync("http://httpbin:8000/hold");
        await Wait.UntilAsync(() => _httpbin.Requests == 1);
        using (var overflow = await client.GetAsync("http://httpbin:8000/anything"))
            Assert.Equal(HttpStatusCode.ServiceUnavailable, overflow.StatusCode);
        _release.SetResult();
        Assert.Equal(HttpStatusCode.OK, (await holding.WaitAsync(TimeSpan.FromSeconds(10))).StatusCode);
        using var after = await client.GetAsync("http://httpbin:8000/anything");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task With_max_retries_zero_a_failed_attempt_is_not_retried()
    {
        var retry = new RetryPolicy { RetryOn = "5xx", NumRetries = 2 };
        await ConfigureAsync(new CircuitBreakers.Types.Thresholds { MaxRetries = 0 }, retry);
        using var client = TestProxy.ClientVia(_port);
        _httpbin.FailNext(1);
        using var response = await client.GetAsync("http://httpbin:8000/flaky");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, _httpbin.Requests);

        await ConfigureAsync(new CircuitBreakers.Types.Thresholds { MaxRetries = 3 }, retry);
        _httpbin.FailNext(1);
        using var retried = await client.GetAsync("http://httpbin:8000/flaky");
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(3, _httpbin.Requests);
    }

    [Fact]
    public void Without_thresholds_envoys_defaults_apply()
    {
        Assert.Equal(new CircuitBreakerLimits(1024, 1024, 1024, 3), CircuitBreakerLimits.From(null));
        var partial = CircuitBreakerLimits.From(new CircuitBreakers { Thresholds = { new CircuitBreakers.Types.Thresholds { MaxRequests = 10 } } });
        Assert.Equal(new CircuitBreakerLimits(1024, 1024, 10, 3), partial);
    }
}
