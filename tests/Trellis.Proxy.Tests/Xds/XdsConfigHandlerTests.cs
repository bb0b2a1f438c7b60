using System.Net;
using Envoy.Config.Listener.V3;
using Envoy.Config.Route.V3;
using Trellis.Proxy.Tests.Support;
using Trellis.Xds;
using static Trellis.Proxy.Tests.Support.Envoy;

namespace Trellis.Proxy.Tests.Xds;

public sealed class XdsConfigHandlerTests : IAsyncLifetime
{
    private TestProxy _proxy = null!;
    private Upstream _a = null!;
    private Upstream _b = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        _proxy = await TestProxy.StartAsync();
        _a = await Upstream.StartAsync("a");
        _b = await Upstream.StartAsync("b");
        _port = Ports.Free();
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    private Task PushBaseAsync() => _proxy.PushAsync([Eds("a"), Eds("b")], [Endpoints("a", _a.Port), Endpoints("b", _b.Port)],
        [Listener("out", _port, "r")], [Routes("r", Host("h", ["*"], ToCluster("a")))]);

    [Fact]
    public async Task An_invalid_regex_is_nacked_naming_the_route_and_the_last_good_config_keeps_serving()
    {
        await PushBaseAsync();
        var bad = new Route { Name = "broken-regex", Match = new RouteMatch { SafeRegex = new global::Envoy.Type.Matcher.V3.RegexMatcher { Regex = "([a-z" } }, Route_ = new RouteAction { Cluster = "b" } };
        var error = await _proxy.ApplyAsync(TypeUrls.RouteConfiguration, Routes("r", Host("h", ["*"], bad)));
        Assert.NotNull(error);
        Assert.Contains("broken-regex", error);
        using var client = TestProxy.ClientVia(_port);
        Assert.Equal("a", await client.GetStringAsync("http://any/"));
    }

    [Fact]
    public async Task A_listener_whose_connection_manager_does_not_decode_is_nacked_naming_it()
    {
        // Found by XdsDecodingFuzzTests: a listener (its name mutated to "CONNECT") whose HttpConnectionManager Any
        // holds bytes cut short inside a field.
        var listener = global::Envoy.Config.Listener.V3.Listener.Parser.ParseFrom(Convert.FromBase64String(
            "Cg92aXJ0dWFsT3V0Ym91bmQSEAoOEgkxMjcuMC4wLjEYmXUakwMakAMKLWVudm95LmZpbHRlcnMubmV0d29yay5odHRwX2Nvbm5lY3Rpb25fbWFuYWdlciLeAgpldHlwZS5nb29nbGVhcGlzLmNvbS9lbnZveS5leHRlbnNpb25zLmZpbHRlcnMubmV0d29yay5odHRwX2Nvbm5lY3Rpb25fbWFuYWdlci52My5IdHRwQ29ubmVjdGlvbk1hbmFnZXIS9AESD3ZpcnR1YWxPdXRib3VuZGlydHVhbE91dGJvdW5kGg4KAhoAEghvdXRib3VuZCpiChhlbnZveS5maWx0ZXJzLmh0dHAuZmF1bHQiRgpEdHlwZS5nb29nbGVhcGlzLmNvbS9lbnZveS5leHRlbnNpb25zLmZpbHRlcnMuaHR0cC5mYXVsdC52My5IVFRQRmF1bHQqYQoZZW52b3kuZmlsdGVycy5odHRwLnJvdXRlciJECkJ0eXBlLmdvb2dsZWFwaXMuY29tL2Vudm95LmV4dGVuc2lvbnMuZmlsdGVycy5odHRwLnJvdXRlci52My5Sb3V0ZXK6AQkKB0NPTk5FQ1SAAQI="));

        var error = await _proxy.ApplyAsync(TypeUrls.Listener, listener);

        Assert.NotNull(error);
        Assert.StartsWith("listener \"CONNECT\": While parsing a protocol message", error);
    }

    [Fact]
    public async Task A_cluster_with_a_malformed_duration_is_nacked_naming_the_field()
    {
        await PushBaseAsync();
        var cluster = Eds("a");
        // Found by XdsDecodingFuzzTests: nanos of the other sign than seconds, which Duration.ToTimeSpan refuses.
        cluster.ConnectTimeout = new Google.Protobuf.WellKnownTypes.Duration { Seconds = 2, Nanos = -1 };

        var error = await _proxy.ApplyAsync(TypeUrls.Cluster, cluster, Eds("b"));

        Assert.Equal("cluster \"a\": connect_timeout is not a valid duration (seconds 2, nanos -1)", error);
        using var client = TestProxy.ClientVia(_port);
        Assert.Equal("a", await client.GetStringAsync("http://any/"));
    }

    [Fact]
    public async Task A_connect_timeout_longer_than_sockets_allow_waits_as_long_as_they_allow()
    {
        await PushBaseAsync();
        var cluster = Eds("a");
        // Found by XdsDecodingFuzzTests: 50 days, beyond what SocketsHttpHandler.ConnectTimeout takes.
        cluster.ConnectTimeout = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromDays(50));

        Assert.Null(await _proxy.ApplyAsync(TypeUrls.Cluster, cluster, Eds("b")));

        Assert.Equal(TimeSpan.FromMilliseconds(int.MaxValue), _proxy.Runtime.Snapshots.Current.Clusters["a"].Model.ConnectTimeout);
        using var client = TestProxy.ClientVia(_port);
        Assert.Equal("a", await client.GetStringAsync("http://any/"));
    }

    [Fact]
    public async Task A_regex_rewrite_without_a_pattern_is_nacked_naming_the_route()
    {
        await PushBaseAsync();
        // Found by XdsDecodingFuzzTests (by hand, TRELLIS_FUZZ_SECONDS): it crashed the route compiler.
        var route = ToCluster("a", name: "rewrite");
        route.Route_.RegexRewrite = new global::Envoy.Type.Matcher.V3.RegexMatchAndSubstitute { Substitution = "/x" };

        var error = await _proxy.ApplyAsync(TypeUrls.RouteConfiguration, Routes("r", Host("h", ["*"], route)));

        Assert.Equal("route configuration \"r\" virtual host \"h\" route \"rewrite\": regex_rewrite has no pattern", error);
    }

    [Fact]
    public async Task A_cluster_allowing_no_connections_is_accepted()
    {
        await PushBaseAsync();
        // Found by XdsDecodingFuzzTests (by hand): max_connections 0 made the connection pool throw.
        var cluster = Eds("a");
        cluster.CircuitBreakers = new global::Envoy.Config.Cluster.V3.CircuitBreakers
        {
            Thresholds = { new global::Envoy.Config.Cluster.V3.CircuitBreakers.Types.Thresholds { MaxConnections = 0, MaxPendingRequests = 0 } },
        };

        Assert.Null(await _proxy.ApplyAsync(TypeUrls.Cluster, cluster, Eds("b")));
        using var client = TestProxy.ClientVia(_port);
        using var response = await client.GetAsync("http://any/");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("true", response.Headers.GetValues("x-envoy-overloaded").Single());
    }

    [Fact]
    public async Task An_unsupported_network_filter_is_nacked_with_the_filter_name()
    {
        var listener = Listener("tcp", Ports.Free(), "r");
        listener.FilterChains[0].Filters[0] = new Filter { Name = "envoy.filters.network.tcp_proxy" };
        var error = await _proxy.ApplyAsync(TypeUrls.Listener, listener);
        Assert.NotNull(error);
        Assert.Contains("envoy.filters.network.tcp_proxy", error);
        Assert.Contains("\"tcp\"", error);
    }

    [Fact]
    public async Task Api_listeners_are_accepted_but_not_bound()
    {
        var api = new global::Envoy.Config.Listener.V3.Listener { Name = "reviews.bookinfo.svc.cluster.local:9080", ApiListener = new ApiListener() };
        Assert.Null(await _proxy.ApplyAsync(TypeUrls.Listener, api));
        Assert.Empty(_proxy.Runtime.Snapshots.Current.Listeners);
    }

    [Fact]
    public async Task A_port_already_in_use_is_nacked_and_nothing_changes()
    {
        await PushBaseAsync();
        using var squatter = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var error = await _proxy.ApplyAsync(TypeUrls.Listener, Listener("out", _port, "r"), Listener("second", taken, "r"));
        Assert.NotNull(error);
        Assert.Contains("cannot bind", error);
        Assert.Equal(["out"], _proxy.Runtime.Snapshots.Current.Listeners.Keys.ToArray());
    }

    [Fact]
    public async Task Endpoints_for_an_unknown_cluster_are_ignored()
    {
        await PushBaseAsync();
        Assert.Null(await _proxy.ApplyAsync(TypeUrls.ClusterLoadAssignment, Endpoints("a", _a.Port), Endpoints("b", _b.Port), Endpoints("nobody", 1)));
        Assert.False(_proxy.Runtime.Snapshots.Current.Clusters.ContainsKey("nobody"));
    }

    [Fact]
    public async Task Ready_after_listeners_and_clusters()
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await _proxy.Admin.GetAsync("/ready")).StatusCode);
        await PushBaseAsync();
        var ready = await _proxy.Admin.GetAsync("/healthz/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("LIVE", (await ready.Content.ReadAsStringAsync()).Trim());
    }

    [Fact]
    public async Task Unchanged_clusters_keep_their_connection_pool_and_balancer()
    {
        await PushBaseAsync();
        var before = _proxy.Runtime.Snapshots.Current.Clusters["a"];
        var poolB = _proxy.Runtime.Snapshots.Current.Clusters["b"].Current.Invoker;
        Assert.Null(await _proxy.ApplyAsync(TypeUrls.RouteConfiguration, Routes("r", Host("h", ["*"], ToCluster("b")))));
        Assert.Null(await _proxy.ApplyAsync(TypeUrls.ClusterLoadAssignment, Endpoints("a", _a.Port), Endpoints("b", _b.Port, _a.Port)));
        var after = _proxy.Runtime.Snapshots.Current;
        Assert.Same(before, after.Clusters["a"]);
        Assert.Same(poolB, after.Clusters["b"].Current.Invoker);
        Assert.Equal(2, after.Clusters["b"].Endpoints.Count);
        using var client = TestProxy.ClientVia(_port);
        Assert.Equal("b", await client.GetStringAsync("http://any/"));
    }

    [Fact]
    public async Task Swapping_snapshots_under_load_fails_no_request()
    {
        await PushBaseAsync();
        using var client = TestProxy.ClientVia(_port);
        using var stop = new CancellationTokenSource();
        var failures = 0;
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var load = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var response = await client.GetAsync("http://any/");
                if (!response.IsSuccessStatusCode) Interlocked.Increment(ref failures);
                else seen.AddOrUpdate(await response.Content.ReadAsStringAsync(), 1, (_, n) => n + 1);
            }
        })).ToArray();
        for (var i = 0; i < 40; i++)
        {
            Assert.Null(await _proxy.ApplyAsync(TypeUrls.RouteConfiguration, Routes("r", Host("h", ["*"], ToCluster(i % 2 == 0 ? "b" : "a")))));
            await Task.Delay(10);
        }
        await stop.CancelAsync();
        await Task.WhenAll(load);
        Assert.Equal(0, failures);
        Assert.True(seen.ContainsKey("a") && seen.ContainsKey("b"));
    }

    [Fact]
    public async Task Removing_a_listener_frees_its_port()
    {
        await PushBaseAsync();
        Assert.Null(await _proxy.ApplyAsync(TypeUrls.Listener));
        await Task.Delay(100);
        using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, _port);
        probe.Start();
    }
}
