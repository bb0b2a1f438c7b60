using System.Text.Json;
using Trellis.Proxy.Tests.Support;
using static Trellis.Proxy.Tests.Support.Envoy;

namespace Trellis.Proxy.Tests.Admin;

public sealed class AdminTests : IAsyncLifetime
{
    private const string Reviews = "outbound|9080|v1|reviews.bookinfo.svc.cluster.local";
    private const string Token = "pod-admin-token";
    private TestProxy _proxy = null!;
    private Upstream _upstream = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        _proxy = await TestProxy.StartAsync(adminToken: Token);
        _upstream = await Upstream.StartAsync("reviews-v1");
        _port = Ports.Free();
        await _proxy.PushAsync([Eds(Reviews, serviceHost: "reviews.bookinfo.svc.cluster.local")],
            [EndpointsWith(Reviews, (_upstream.Port, "reviews-v1;bookinfo;reviews;v1;Kubernetes"))],
            [Listener("virtualOutbound", _port, "outbound")],
            [Routes("outbound", Host("reviews.bookinfo.svc.cluster.local:9080", ["reviews:9080"], ToCluster(Reviews)))]);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task Config_dump_has_envoys_shape()
    {
        using var doc = JsonDocument.Parse(await _proxy.Admin.GetStringAsync("/config_dump"));
        var configs = doc.RootElement.GetProperty("configs").EnumerateArray().ToDictionary(c => c.GetProperty("@type").GetString()!);
        var listener = configs["type.googleapis.com/envoy.admin.v3.ListenersConfigDump"].GetProperty("dynamic_listeners")[0];
        Assert.Equal("virtualOutbound", listener.GetProperty("name").GetString());
        var active = listener.GetProperty("active_state");
        Assert.False(string.IsNullOrEmpty(active.GetProperty("version_info").GetString()));
        Assert.True(active.TryGetProperty("last_updated", out _));
        var hcm = active.GetProperty("listener").GetProperty("filter_chains")[0].GetProperty("filters")[0].GetProperty("typed_config");
        Assert.Equal("type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager", hcm.GetProperty("@type").GetString());
        Assert.Equal("outbound", hcm.GetProperty("rds").GetProperty("route_config_name").GetString());

        var cluster = configs["type.googleapis.com/envoy.admin.v3.ClustersConfigDump"].GetProperty("dynamic_active_clusters")[0];
        Assert.Equal(Reviews, cluster.GetProperty("cluster").GetProperty("name").GetString());
        Assert.Equal("type.googleapis.com/envoy.config.cluster.v3.Cluster", cluster.GetProperty("cluster").GetProperty("@type").GetString());
        var route = configs["type.googleapis.com/envoy.admin.v3.RoutesConfigDump"].GetProperty("dynamic_route_configs")[0];
        Assert.Equal("outbound", route.GetProperty("route_config").GetProperty("name").GetString());
        var endpoints = configs["type.googleapis.com/envoy.admin.v3.EndpointsConfigDump"].GetProperty("dynamic_endpoint_configs")[0];
        Assert.Equal(Reviews, endpoints.GetProperty("endpoint_config").GetProperty("cluster_name").GetString());
    }

    [Fact]
    public async Task Config_dump_shows_a_per_filter_config_wrapped_in_a_FilterConfig()
    {
        var route = ToCluster(Reviews);
        route.TypedPerFilterConfig["envoy.filters.http.fault"] = Google.Protobuf.WellKnownTypes.Any.Pack(new global::Envoy.Config.Route.V3.FilterConfig { Disabled = true });
        Assert.Null(await _proxy.ApplyAsync(Trellis.Xds.TypeUrls.RouteConfiguration, Routes("outbound", Host("reviews", ["reviews:9080"], route))));

        using var doc = JsonDocument.Parse(await _proxy.Admin.GetStringAsync("/config_dump"));
        var dumped = doc.RootElement.GetProperty("configs").EnumerateArray()
            .Single(c => c.GetProperty("@type").GetString() == "type.googleapis.com/envoy.admin.v3.RoutesConfigDump")
            .GetProperty("dynamic_route_configs")[0].GetProperty("route_config").GetProperty("virtual_hosts")[0].GetProperty("routes")[0]
            .GetProperty("typed_per_filter_config").GetProperty("envoy.filters.http.fault");
        Assert.Equal("type.googleapis.com/envoy.config.route.v3.FilterConfig", dumped.GetProperty("@type").GetString());
        Assert.True(dumped.GetProperty("disabled").GetBoolean());
    }

    [Fact]
    public async Task Requests_are_counted_with_istio_labels()
    {
        using var client = TestProxy.ClientVia(_port);
        Assert.Equal("reviews-v1", await client.GetStringAsync("http://reviews:9080/reviews/1"));
        await client.GetAsync("http://nowhere:9080/");
        var text = await _proxy.Admin.GetStringAsync("/stats/prometheus");
        var ok = text.Split('\n').Single(l => l.StartsWith("istio_requests_total{", StringComparison.Ordinal) && l.Contains("response_code=\"200\""));
        Assert.Contains("reporter=\"source\"", ok);
        Assert.Contains("source_workload=\"productpage-v1\"", ok);
        Assert.Contains("source_workload_namespace=\"bookinfo\"", ok);
        Assert.Contains("source_app=\"productpage\"", ok);
        Assert.Contains("destination_workload=\"reviews-v1\"", ok);
        Assert.Contains("destination_version=\"v1\"", ok);
        Assert.Contains("destination_service=\"reviews.bookinfo.svc.cluster.local\"", ok);
        Assert.Contains("destination_service_name=\"reviews\"", ok);
        Assert.Contains("response_flags=\"-\"", ok);
        Assert.EndsWith(" 1", ok);
        Assert.Contains(text.Split('\n'), l => l.StartsWith("istio_requests_total{", StringComparison.Ordinal) && l.Contains("response_code=\"404\"") && l.Contains("response_flags=\"NR\""));
        Assert.Contains(text.Split('\n'), l => l.StartsWith("istio_request_duration_milliseconds_bucket{", StringComparison.Ordinal) && l.Contains("le=\"+Inf\"") && l.Contains("response_code=\"200\"") && l.EndsWith(" 1"));
    }

    [Fact]
    public async Task Clusters_lists_endpoints_and_server_info_reports_state()
    {
        var clusters = await _proxy.Admin.GetStringAsync("/clusters");
        Assert.Contains($"{Reviews}::127.0.0.1:{_upstream.Port}::health_flags::healthy", clusters);
        using var info = JsonDocument.Parse(await _proxy.Admin.GetStringAsync("/server_info"));
        Assert.Equal("LIVE", info.RootElement.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Memory_reports_the_heap_and_the_resident_size_as_envoys_does()
    {
        using var memory = JsonDocument.Parse(await _proxy.Admin.GetStringAsync("/memory"));
        long Field(string name) => long.Parse(memory.RootElement.GetProperty(name).GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(Field("allocated"), 1, Field("total_physical_bytes"));
        Assert.InRange(Field("heap_size"), 1, long.MaxValue);
        Assert.InRange(Field("pageheap_free"), 0, Field("heap_size"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong")]
    [InlineData("Bearer pod-admin-toke")]
    [InlineData("pod-admin-token")]
    public async Task Quitquitquit_without_the_pods_token_is_refused_and_the_proxy_keeps_serving(string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/quitquitquit");
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);

        using var response = await _proxy.Admin.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(_proxy.Runtime.QuitRequested.IsCancellationRequested);
        using var client = TestProxy.ClientVia(_port);
        Assert.Equal("reviews-v1", await client.GetStringAsync("http://reviews:9080/reviews/1"));
    }

    [Fact]
    public async Task Quitquitquit_with_the_pods_token_signals_shutdown()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/quitquitquit");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);

        using var response = await _proxy.Admin.SendAsync(request);

        Assert.True(response.IsSuccessStatusCode);
        Assert.True(_proxy.Runtime.QuitRequested.IsCancellationRequested);
    }

    [Fact]
    public async Task Without_a_token_the_mutating_admin_endpoints_are_disabled()
    {
        await using var proxy = await TestProxy.StartAsync(adminToken: null);

        using var response = await proxy.Admin.PostAsync("/quitquitquit", null);

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(proxy.Runtime.QuitRequested.IsCancellationRequested);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await proxy.Admin.GetAsync("/stats/prometheus")).StatusCode);
    }

    /// <summary>Envoy's /logging: anyone on loopback may read the levels; only the pod's token changes them, and the change
    /// takes effect on the loggers at once.</summary>
    [Fact]
    public async Task Logging_levels_are_listed_openly_and_changed_only_with_the_pods_token()
    {
        var listing = await _proxy.Admin.GetStringAsync("/logging");
        Assert.Contains("  config: info\n", listing);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await _proxy.Admin.PostAsync("/logging?config=debug", null)).StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/logging?config=debug&upstream=error");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        using var response = await _proxy.Admin.SendAsync(request);

        Assert.Contains("  config: debug\n", await response.Content.ReadAsStringAsync());
        var levels = _proxy.Runtime.LogLevels!;
        Assert.True(levels.IsEnabled("Trellis.Proxy.Xds", Microsoft.Extensions.Logging.LogLevel.Debug));
        Assert.False(levels.IsEnabled("Trellis.Proxy.Ads", Microsoft.Extensions.Logging.LogLevel.Debug));
        Assert.False(levels.IsEnabled("System.Net.Http.HttpClient", Microsoft.Extensions.Logging.LogLevel.Warning));
    }

    [Theory]
    [InlineData("/logging?nosuch=debug")]
    [InlineData("/logging?config=loud")]
    public async Task Unknown_loggers_and_levels_are_refused(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        using var response = await _proxy.Admin.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("  config: info\n", await _proxy.Admin.GetStringAsync("/logging"));
    }
}
