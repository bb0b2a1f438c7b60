using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Trellis.Proxy.Bootstrap;
using Trellis.Proxy.Static;
using Trellis.Proxy.Tests.Support;
using Trellis.Xds;
using static Trellis.Proxy.Tests.Support.Envoy;

namespace Trellis.Proxy.Tests.Static;

/// <summary>A bootstrap's static listener and clusters serving real requests to real upstreams, compiled as xDS
/// resources are, with routes' retry policies and timeouts, LEAST_REQUEST and DNS clusters.</summary>
public sealed class EnvoyBootstrapTrafficTests : IAsyncLifetime
{
    private Upstream _v1 = null!;
    private Upstream _v2 = null!;
    private readonly int _port = Ports.Free();
    private readonly HttpClient _client = new(new SocketsHttpHandler { UseProxy = false });
    private readonly List<IAsyncDisposable> _running = [];

    public async Task InitializeAsync()
    {
        _v1 = await Upstream.StartAsync("api-v1");
        _v2 = await Upstream.StartAsync("api-v2");
    }

    private string Bootstrap(string v2Host = "127.0.0.1", string v2Type = "STATIC") => $$$"""
        static_resources:
          listeners:
          - name: listener_0
            address:
              socket_address:
                address: 127.0.0.1
                port_value: {{{_port}}}
            filter_chains:
            - filters:
              - name: envoy.filters.network.http_connection_manager
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                  stat_prefix: ingress_http
                  route_config:
                    name: local_route
                    virtual_hosts:
                    - name: backend
                      domains: ["*"]
                      routes:
                      - match: {prefix: "/api/v1/slow"}
                        route: {cluster: api_service, prefix_rewrite: "/slow", timeout: 0.5s}
                      - match: {prefix: "/api/v1/flaky"}
                        route:
                          cluster: api_service
                          prefix_rewrite: "/flaky"
                          timeout: 30s
                          retry_policy: {retry_on: "5xx,reset,connect-failure", num_retries: 3, per_try_timeout: 10s}
                      - match: {prefix: "/api/v1"}
                        route: {cluster: api_service, timeout: 30s}
                      - match: {prefix: "/api/v2"}
                        route: {cluster: api_v2_service, timeout: 30s}
                  http_filters:
                  - name: envoy.filters.http.router
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
          clusters:
          - name: api_service
            type: STATIC
            connect_timeout: 5s
            lb_policy: ROUND_ROBIN
            load_assignment:
              cluster_name: api_service
              endpoints:
              - lb_endpoints:
                - endpoint:
                    address:
                      socket_address:
                        address: 127.0.0.1
                        port_value: {{{_v1.Port}}}
            circuit_breakers:
              thresholds:
              - {priority: DEFAULT, max_connections: 1024, max_pending_requests: 1024, max_requests: 1024, max_retries: 3}
            outlier_detection: {consecutive_5xx: 5, interval: 10s, base_ejection_time: 30s, max_ejection_percent: 50}
          - name: api_v2_service
            type: {{{v2Type}}}
            dns_lookup_family: V4_ONLY
            connect_timeout: 5s
            lb_policy: LEAST_REQUEST
            load_assignment:
              cluster_name: api_v2_service
              endpoints:
              - lb_endpoints:
                - endpoint:
                    address:
                      socket_address:
                        address: {{{v2Host}}}
                        port_value: {{{_v2.Port}}}
        """;

    private async Task<StaticResourceOverlay> RunAsync(string yaml, HostLookup? lookup = null)
    {
        var plan = EnvoyBootstrapPlan.From(EnvoyBootstrapLoader.Parse(yaml, "envoy.yaml"), "envoy.yaml");
        var runtime = new ProxyRuntime(plan.Identity(), null);
        _running.Add(runtime);
        await runtime.StartAdminAsync(0, CancellationToken.None);
        var overlay = new StaticResourceOverlay(runtime.Handler, plan.Listeners, plan.Clusters, lookup ?? DnsClusterResolver.System, NullLogger.Instance);
        _running.Insert(0, overlay);
        Assert.Null(await overlay.StartAsync());
        return overlay;
    }

    private Task<HttpResponseMessage> GetAsync(string path) => _client.GetAsync($"http://127.0.0.1:{_port}{path}");

    [Fact]
    public async Task Each_prefix_reaches_its_static_cluster()
    {
        await RunAsync(Bootstrap());

        Assert.Equal("api-v1", await (await GetAsync("/api/v1/users")).Content.ReadAsStringAsync());
        Assert.Equal("api-v2", await (await GetAsync("/api/v2/users")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_upstream_failing_twice_is_retried_into_a_success()
    {
        await RunAsync(Bootstrap());
        _v1.FailNext(2);

        var response = await GetAsync("/api/v1/flaky");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, _v1.Requests);
    }

    [Fact]
    public async Task The_route_timeout_answers_504()
    {
        await RunAsync(Bootstrap());

        var response = await GetAsync("/api/v1/slow");

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("upstream request timeout", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_strict_dns_cluster_serves_once_its_name_resolves()
    {
        await RunAsync(Bootstrap(v2Host: "localhost", v2Type: "STRICT_DNS"));

        await WaitUntilServedAsync("/api/v2/users");

        Assert.Equal("api-v2", await (await GetAsync("/api/v2/users")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_strict_dns_cluster_whose_name_does_not_resolve_has_no_healthy_upstream_and_the_rest_serves()
    {
        var lookups = 0;
        await RunAsync(Bootstrap(v2Host: "api-v2-service.production.svc.cluster.local", v2Type: "STRICT_DNS"), (host, _) =>
        {
            Interlocked.Increment(ref lookups);
            return Task.FromException<IPAddress[]>(new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.HostNotFound));
        });
        while (Volatile.Read(ref lookups) == 0) await Task.Delay(10);

        var response = await GetAsync("/api/v2/users");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("no healthy upstream", await response.Content.ReadAsStringAsync());
        Assert.Equal("api-v1", await (await GetAsync("/api/v1/users")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_standalone_seed_answers_503_until_its_names_resolve_then_routes_each_prefix()
    {
        var seed = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Static", "Bootstraps", "seed003-02-envoy-bootstrap.yaml"))
            .Replace("address: 0.0.0.0\n        port_value: 8080", $"address: 127.0.0.1\n        port_value: {_port}")
            .Replace("api-service.production.svc.cluster.local\n                port_value: 8080", $"api-service.production.svc.cluster.local\n                port_value: {_v1.Port}")
            .Replace("api-v2-service.production.svc.cluster.local\n                port_value: 8080", $"api-v2-service.production.svc.cluster.local\n                port_value: {_v2.Port}");
        var resolvable = new TaskCompletionSource();
        await RunAsync(seed, async (_, ct) =>
        {
            await resolvable.Task.WaitAsync(ct);
            return [IPAddress.Loopback];
        });

        var before = await GetAsync("/api/v1/users");
        resolvable.SetResult();
        await WaitUntilServedAsync("/api/v2/users");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, before.StatusCode);
        Assert.Equal("api-v1", await (await GetAsync("/api/v1/users")).Content.ReadAsStringAsync());
        Assert.Equal("api-v2", await (await GetAsync("/api/v2/users")).Content.ReadAsStringAsync());
    }

    private async Task WaitUntilServedAsync(string path)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await GetAsync(path)).StatusCode == HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < deadline) await Task.Delay(50);
    }

    [Fact]
    public async Task Ads_adds_clusters_beside_the_static_ones_but_cannot_replace_them()
    {
        var overlay = await RunAsync(Bootstrap());

        var replaced = await overlay.ApplyAsync(TypeUrls.Cluster, "1", [Eds("api_service")]);
        var added = await overlay.ApplyAsync(TypeUrls.Cluster, "2", [Eds("from_ads")]);

        Assert.Equal("cluster \"api_service\" is a static resource of the bootstrap and cannot be replaced over xDS", replaced);
        Assert.Null(added);
        Assert.Equal("cluster \"dns_from_ads\".load_assignment: a STRICT_DNS cluster needs at least one endpoint to resolve",
            await overlay.ApplyAsync(TypeUrls.Cluster, "3", [new global::Envoy.Config.Cluster.V3.Cluster { Name = "dns_from_ads", Type = global::Envoy.Config.Cluster.V3.Cluster.Types.DiscoveryType.StrictDns }]));
        Assert.Equal("api-v1", await (await GetAsync("/api/v1/users")).Content.ReadAsStringAsync());
    }

    public async Task DisposeAsync()
    {
        foreach (var r in _running) await r.DisposeAsync();
        _client.Dispose();
        await _v1.DisposeAsync();
        await _v2.DisposeAsync();
    }
}
