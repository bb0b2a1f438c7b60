using System.Diagnostics;
using System.Net;
using Envoy.Config.Route.V3;
using Envoy.Extensions.Filters.Common.Fault.V3;
using Envoy.Extensions.Filters.Http.Fault.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Envoy.Type.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.Proxy.Tests.Support;
using Listener = Envoy.Config.Listener.V3.Listener;
using static Trellis.Proxy.Tests.Support.Envoy;

namespace Trellis.Proxy.Tests.HttpFilters;

/// <summary>Envoy's fault filter as Istio's VirtualService `fault` drives it: per-route delays and aborts,
/// for a share of requests, optionally only for requests with certain headers.</summary>
public sealed class FaultFilterTests : IAsyncLifetime
{
    private const string Ratings = "outbound|9080||ratings.bookinfo.svc.cluster.local";
    private TestProxy _proxy = null!;
    private Upstream _ratings = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        _proxy = await TestProxy.StartAsync();
        _ratings = await Upstream.StartAsync("ratings-v1");
        _port = Ports.Free();
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _ratings.DisposeAsync();
    }

    private static FractionalPercent Percent(double value) =>
        new() { Numerator = (uint)(value * 10000), Denominator = FractionalPercent.Types.DenominatorType.Million };

    private static HTTPFault Abort(uint status, double percent = 100) =>
        new() { Abort = new FaultAbort { HttpStatus = status, Percentage = Percent(percent) } };

    private static HTTPFault Delay(TimeSpan delay, double percent = 100) =>
        new() { Delay = new FaultDelay { FixedDelay = Duration.FromTimeSpan(delay), Percentage = Percent(percent) } };

    private static Route WithFault(Route route, HTTPFault fault)
    {
        route.TypedPerFilterConfig["envoy.filters.http.fault"] = Any.Pack(fault);
        return route;
    }

    private Task ConfigureAsync(params Route[] routes) =>
        _proxy.PushAsync([Eds(Ratings)], [Endpoints(Ratings, _ratings.Port)], [Listener("virtualOutbound", _port, "outbound")],
            [Routes("outbound", Host("ratings", ["ratings:9080"], routes))]);

    private async Task<HttpResponseMessage> GetAsync(HttpClient client, string? user = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://ratings:9080/ratings/0");
        if (user is not null) request.Headers.Add("end-user", user);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task An_abort_answers_with_its_status_and_never_reaches_the_app()
    {
        await ConfigureAsync(WithFault(ToCluster(Ratings, name: "ratings-abort"), Abort(500)));
        using var client = TestProxy.ClientVia(_port);
        using var response = await GetAsync(client);
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("fault filter abort", await response.Content.ReadAsStringAsync());
        Assert.Contains("route ratings-abort: fault injected", response.Headers.GetValues("x-trellis-reason").Single());
        Assert.Equal(0, _ratings.Requests);
        var stats = await _proxy.Admin.GetStringAsync("/stats/prometheus");
        Assert.Contains("response_code=\"500\"", stats);
        Assert.Contains("response_flags=\"FI\"", stats);
    }

    /// <summary>Envoy picks the route's cluster before its filters run, so Istio's metrics name the service a
    /// fault-injected request was meant for, and the failure counter gives the hop's route, cluster and reason.</summary>
    [Fact]
    public async Task An_aborted_request_is_counted_against_the_cluster_its_route_names()
    {
        await _proxy.PushAsync([Eds(Ratings, serviceHost: "ratings.bookinfo.svc.cluster.local")], [Endpoints(Ratings, _ratings.Port)],
            [Listener("virtualOutbound", _port, "outbound")],
            [Routes("outbound", Host("ratings", ["ratings:9080"], WithFault(ToCluster(Ratings, name: "ratings-abort"), Abort(503))))]);
        using var client = TestProxy.ClientVia(_port);
        using var response = await GetAsync(client);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var stats = (await _proxy.Admin.GetStringAsync("/stats/prometheus")).Split('\n');
        Assert.Single(stats, l => l.StartsWith("istio_requests_total{", StringComparison.Ordinal) && l.Contains("response_flags=\"FI\"")
            && l.Contains("destination_service=\"ratings.bookinfo.svc.cluster.local\"") && l.EndsWith(" 1", StringComparison.Ordinal));
        Assert.Single(stats, l => l.StartsWith("trellis_request_failures_total{", StringComparison.Ordinal) && l.Contains("route=\"ratings-abort\"")
            && l.Contains($"cluster=\"{Ratings}\"") && l.Contains("response_code=\"503\"") && l.Contains("response_flags=\"FI\"")
            && l.Contains("reason=\"listener virtualOutbound: route ratings-abort: fault injected by envoy.filters.http.fault\"") && l.EndsWith(" 1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_delay_holds_the_request_then_forwards_it()
    {
        await ConfigureAsync(WithFault(ToCluster(Ratings), Delay(TimeSpan.FromMilliseconds(400))));
        using var client = TestProxy.ClientVia(_port);
        var clock = Stopwatch.StartNew();
        using var response = await GetAsync(client);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(350), $"answered after {clock.Elapsed.TotalMilliseconds} ms");
        Assert.Equal(1, _ratings.Requests);
        Assert.Contains("response_flags=\"DI\"", await _proxy.Admin.GetStringAsync("/stats/prometheus"));
    }

    [Fact]
    public async Task A_delay_longer_than_timers_take_holds_the_request_instead_of_failing_it()
    {
        await ConfigureAsync(WithFault(ToCluster(Ratings), Delay(TimeSpan.FromDays(60))));
        using var client = TestProxy.ClientVia(_port);
        client.Timeout = TimeSpan.FromSeconds(1);

        await Assert.ThrowsAsync<TaskCanceledException>(() => GetAsync(client));
        Assert.Equal(0, _ratings.Requests);
    }

    [Fact]
    public async Task Only_the_header_matched_route_carries_the_fault_as_in_istios_fault_injection_task()
    {
        var jason = WithFault(ToCluster(Ratings, name: "jason"), Abort(500));
        jason.Match.Headers.Add(new HeaderMatcher { Name = "end-user", ExactMatch = "jason" });
        await ConfigureAsync(jason, ToCluster(Ratings, name: "everyone"));
        using var client = TestProxy.ClientVia(_port);
        using var forJason = await GetAsync(client, "jason");
        using var forOthers = await GetAsync(client, "alice");
        Assert.Equal(HttpStatusCode.InternalServerError, forJason.StatusCode);
        Assert.Equal(HttpStatusCode.OK, forOthers.StatusCode);
    }

    [Fact]
    public async Task A_percentage_aborts_that_share_of_requests()
    {
        await ConfigureAsync(WithFault(ToCluster(Ratings), Abort(503, percent: 25)));
        using var client = TestProxy.ClientVia(_port);
        var aborted = 0;
        for (var i = 0; i < 400; i++)
        {
            using var response = await GetAsync(client);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable) aborted++;
        }
        // 99.9% binomial bound for n = 400, p = 0.25: 100 ± 3.29 * sqrt(75).
        Assert.InRange(aborted, 72, 128);
    }

    [Fact]
    public async Task Without_a_percentage_nothing_is_injected()
    {
        await ConfigureAsync(WithFault(ToCluster(Ratings), new HTTPFault { Abort = new FaultAbort { HttpStatus = 500 } }));
        using var client = TestProxy.ClientVia(_port);
        for (var i = 0; i < 20; i++)
        {
            using var response = await GetAsync(client);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task A_grpc_abort_is_a_trailers_only_answer_with_the_status()
    {
        await ConfigureAsync(WithFault(ToCluster(Ratings), new HTTPFault { Abort = new FaultAbort { GrpcStatus = 14, Percentage = Percent(100) } }));
        using var client = TestProxy.ClientVia(_port);
        using var response = await GetAsync(client);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("14", response.Headers.GetValues("grpc-status").Single());
        Assert.Equal("application/grpc", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_header_abort_takes_the_status_the_request_asks_for()
    {
        await ConfigureAsync(WithFault(ToCluster(Ratings), new HTTPFault { Abort = new FaultAbort { HeaderAbort = new FaultAbort.Types.HeaderAbort(), Percentage = Percent(100) } }));
        using var client = TestProxy.ClientVia(_port);
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://ratings:9080/ratings/0");
        request.Headers.Add("x-envoy-fault-abort-request", "429");
        using var asked = await client.SendAsync(request);
        using var plain = await GetAsync(client);
        Assert.Equal(HttpStatusCode.TooManyRequests, asked.StatusCode);
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
    }

    [Fact]
    public async Task A_virtual_host_fault_applies_unless_the_route_has_its_own()
    {
        var own = WithFault(ToCluster(Ratings, "/own"), Abort(418));
        var host = Host("ratings", ["ratings:9080"], own, ToCluster(Ratings));
        host.TypedPerFilterConfig["envoy.filters.http.fault"] = Any.Pack(Abort(503));
        await _proxy.PushAsync([Eds(Ratings)], [Endpoints(Ratings, _ratings.Port)], [Listener("virtualOutbound", _port, "outbound")], [Routes("outbound", host)]);
        using var client = TestProxy.ClientVia(_port);
        Assert.Equal((HttpStatusCode)418, (await client.GetAsync("http://ratings:9080/own")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("http://ratings:9080/other")).StatusCode);
    }

    [Fact]
    public async Task A_status_envoy_would_refuse_is_nacked_naming_the_route()
    {
        await ConfigureAsync(ToCluster(Ratings));
        var error = await _proxy.ApplyAsync(Trellis.Xds.TypeUrls.RouteConfiguration,
            Routes("outbound", Host("ratings", ["ratings:9080"], WithFault(ToCluster(Ratings, name: "bad"), Abort(700)))));
        Assert.NotNull(error);
        Assert.Contains("route \"bad\"", error);
        Assert.Contains("http_status 700 is outside [200, 600)", error);
    }

    /// <summary>The listener with its fault filter (first in the chain) changed.</summary>
    private static Listener WithFaultFilter(Listener listener, Action<HttpFilter> change)
    {
        var filter = listener.FilterChains[0].Filters[0];
        var hcm = filter.TypedConfig.Unpack<HttpConnectionManager>();
        change(hcm.HttpFilters[0]);
        filter.TypedConfig = Any.Pack(hcm);
        return listener;
    }

    [Fact]
    public async Task A_route_configuration_fault_applies_to_every_route_without_its_own()
    {
        var routes = Routes("outbound", Host("ratings", ["ratings:9080"], WithFault(ToCluster(Ratings, "/own"), Abort(418)), ToCluster(Ratings)));
        routes.TypedPerFilterConfig["envoy.filters.http.fault"] = Any.Pack(Abort(503));
        await _proxy.PushAsync([Eds(Ratings)], [Endpoints(Ratings, _ratings.Port)], [Listener("virtualOutbound", _port, "outbound")], [routes]);
        using var client = TestProxy.ClientVia(_port);
        Assert.Equal((HttpStatusCode)418, (await client.GetAsync("http://ratings:9080/own")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("http://ratings:9080/other")).StatusCode);
    }

    [Fact]
    public async Task A_route_can_turn_off_the_fault_its_listener_injects()
    {
        var listener = WithFaultFilter(Listener("virtualOutbound", _port, "outbound"), f => f.TypedConfig = Any.Pack(Abort(503)));
        var spared = ToCluster(Ratings, "/spared");
        spared.TypedPerFilterConfig["envoy.filters.http.fault"] = Any.Pack(new FilterConfig { Disabled = true });
        await _proxy.PushAsync([Eds(Ratings)], [Endpoints(Ratings, _ratings.Port)], [listener],
            [Routes("outbound", Host("ratings", ["ratings:9080"], spared, ToCluster(Ratings)))]);
        using var client = TestProxy.ClientVia(_port);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("http://ratings:9080/spared")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("http://ratings:9080/other")).StatusCode);
    }

    [Fact]
    public async Task A_fault_filter_disabled_in_the_chain_injects_only_where_a_route_turns_it_on()
    {
        var listener = WithFaultFilter(Listener("virtualOutbound", _port, "outbound"), f =>
        {
            f.TypedConfig = Any.Pack(Abort(503));
            f.Disabled = true;
        });
        var turnedOn = ToCluster(Ratings, "/on");
        turnedOn.TypedPerFilterConfig["envoy.filters.http.fault"] = Any.Pack(new FilterConfig { Config = new Any() });
        var ownFault = WithFault(ToCluster(Ratings, "/own"), Abort(418));
        await _proxy.PushAsync([Eds(Ratings)], [Endpoints(Ratings, _ratings.Port)], [listener],
            [Routes("outbound", Host("ratings", ["ratings:9080"], turnedOn, ownFault, ToCluster(Ratings)))]);
        using var client = TestProxy.ClientVia(_port);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("http://ratings:9080/on")).StatusCode);
        Assert.Equal((HttpStatusCode)418, (await client.GetAsync("http://ratings:9080/own")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("http://ratings:9080/other")).StatusCode);
    }

    [Fact]
    public async Task A_fault_on_the_route_a_tunnelled_request_takes_applies_inside_the_tunnel()
    {
        await _proxy.PushAsync([Eds(Ratings), ToInternalListener("tunnel", "outbound_tunnel")], [Endpoints(Ratings, _ratings.Port)],
            [Listener("virtualOutbound", _port, "outbound", connect: true), InternalListener("outbound_tunnel", "outbound")],
            [Routes("outbound", Host("ratings", ["ratings:9080"], ConnectTo("tunnel", terminate: true),
                WithFault(ToCluster(Ratings, "/faulty", name: "faulty"), Abort(503)), ToCluster(Ratings)))]);
        using var http = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectCallback = async (_, _) => (await RawConnect.TunnelAsync(_port, "ratings:9080")).Stream,
        });
        using var faulty = await http.GetAsync("http://ratings:9080/faulty");
        using var plain = await http.GetAsync("http://ratings:9080/plain");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, faulty.StatusCode);
        Assert.Contains("listener outbound_tunnel: route faulty: fault injected", faulty.Headers.GetValues("x-trellis-reason").Single());
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal(1, _ratings.Requests);
    }
}
