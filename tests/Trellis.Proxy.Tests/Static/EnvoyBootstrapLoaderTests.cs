using Envoy.Config.Cluster.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Trellis.Proxy.Static;

namespace Trellis.Proxy.Tests.Static;

public sealed class EnvoyBootstrapLoaderTests
{
    private static string Seed(string name) => Path.Combine(AppContext.BaseDirectory, "Static", "Bootstraps", name);

    private const string Minimal = """
        static_resources:
          listeners:
          - name: listener_0
            address: {socket_address: {address: 127.0.0.1, port_value: 10000}}
            filter_chains:
            - filters:
              - name: envoy.filters.network.http_connection_manager
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                  stat_prefix: ingress_http
                  route_config:
                    virtual_hosts:
                    - name: all
                      domains: ["*"]
                      routes:
                      - match: {prefix: "/"}
                        route: {cluster: backend, timeout: 2.5s}
                  http_filters:
                  - name: envoy.filters.http.router
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
          clusters:
          - name: backend
            type: STATIC
            lb_policy: LEAST_REQUEST
            connect_timeout: 1s
            load_assignment:
              cluster_name: backend
              endpoints:
              - lb_endpoints:
                - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: 8081}}}
        """;

    private static string Refusal(string yaml) =>
        Assert.Throws<BootstrapException>(() => EnvoyBootstrapLoader.Parse(yaml, "envoy.yaml")).Message;

    [Fact]
    public void The_standalone_seed_example_is_read_with_its_dns_clusters_and_access_log()
    {
        var bootstrap = EnvoyBootstrapLoader.Load(Seed("seed003-02-envoy-bootstrap.yaml"));

        var clusters = bootstrap.StaticResources.Clusters;
        Assert.Equal(["api_service", "api_v2_service"], clusters.Select(c => c.Name));
        Assert.All(clusters, c => Assert.Equal(Cluster.Types.DiscoveryType.StrictDns, c.Type));
        Assert.Equal(Cluster.Types.LbPolicy.LeastRequest, clusters[1].LbPolicy);
        Assert.Equal(5u, clusters[0].OutlierDetection.Consecutive5Xx);
        var hcm = bootstrap.StaticResources.Listeners[0].FilterChains[0].Filters[0].TypedConfig.Unpack<HttpConnectionManager>();
        Assert.Equal("envoy.access_loggers.stdout", hcm.AccessLog.Single().Name);
        Assert.Equal(3u, hcm.RouteConfig.VirtualHosts[0].Routes[0].Route_.RetryPolicy.NumRetries);
    }

    [Fact]
    public void The_rate_limit_seed_is_refused_naming_the_unsupported_filter_type_by_its_path()
    {
        var error = Assert.Throws<BootstrapException>(() => EnvoyBootstrapLoader.Load(Seed("seed003-03-envoy-bootstrap.yaml"))).Message;

        Assert.Contains("static_resources.listeners[0].filter_chains[0].filters[0].typed_config.http_filters[0].typed_config: "
            + "type \"type.googleapis.com/envoy.extensions.filters.http.ratelimit.v3.RateLimit\" is not supported by this proxy", error);
        Assert.Contains("routes[0].route.rate_limits: unknown field", error);
        Assert.DoesNotContain('\n', error);
    }

    [Fact]
    public void A_misspelled_field_is_reported_by_its_path()
    {
        var error = Refusal(Minimal.Replace("lb_policy: LEAST_REQUEST", "lb_polcy: LEAST_REQUEST"));

        Assert.Equal("envoy.yaml: static_resources.clusters[0].lb_polcy: unknown field, or one this proxy does not support (in envoy.config.cluster.v3.Cluster)", error);
    }

    [Fact]
    public void An_unknown_type_in_an_any_is_reported_by_its_path()
    {
        var error = Refusal(Minimal.Replace("envoy.extensions.filters.http.router.v3.Router", "envoy.extensions.filters.http.lua.v3.Lua"));

        Assert.Equal("envoy.yaml: static_resources.listeners[0].filter_chains[0].filters[0].typed_config.http_filters[0].typed_config: "
            + "type \"type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua\" is not supported by this proxy", error);
    }

    [Theory]
    [InlineData("lb_policy: LEAST_REQUEST", "lb_policy: FASTEST", "static_resources.clusters[0].lb_policy: unknown value \"FASTEST\"")]
    [InlineData("connect_timeout: 1s", "connect_timeout: 1 second", "static_resources.clusters[0].connect_timeout: expected a duration such as \"5s\"")]
    [InlineData("port_value: 8081", "port_value: 70000000000", "socket_address.port_value: 70000000000 is out of range")]
    [InlineData("stat_prefix: ingress_http", "stat_prefix: 42", "typed_config.stat_prefix: expected a string, got 42")]
    [InlineData("route: {cluster: backend, timeout: 2.5s}", "route: {cluster: backend, cluster_header: x-cluster}", "route.cluster_header: \"cluster\" is already set")]
    public void Ill_typed_values_are_reported_by_their_path(string from, string to, string expected)
    {
        Assert.Contains(expected, Refusal(Minimal.Replace(from, to)));
    }

    [Fact]
    public void Json_with_lower_camel_names_reads_the_same_as_yaml()
    {
        const string json = """
            {"staticResources": {"clusters": [{"name": "backend", "type": "STATIC", "lbPolicy": "LEAST_REQUEST", "connectTimeout": "1s",
              "loadAssignment": {"clusterName": "backend", "endpoints": [{"lbEndpoints": [{"endpoint": {"address": {"socketAddress": {"address": "127.0.0.1", "portValue": 8081}}}}]}]}}],
             "listeners": [{"name": "listener_0", "address": {"socket_address": {"address": "127.0.0.1", "port_value": 10000}},
              "filter_chains": [{"filters": [{"name": "envoy.filters.network.http_connection_manager", "typed_config": {
                "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
                "statPrefix": "ingress_http",
                "routeConfig": {"virtualHosts": [{"name": "all", "domains": ["*"], "routes": [{"match": {"prefix": "/"}, "route": {"cluster": "backend", "timeout": "2.500s"}}]}]},
                "httpFilters": [{"name": "envoy.filters.http.router", "typedConfig": {"@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"}}]}}]}]}]}}
            """;

        Assert.Equal(EnvoyBootstrapLoader.Parse(Minimal, "envoy.yaml"), EnvoyBootstrapLoader.Parse(json, "envoy.json"));
    }

    [Fact]
    public void A_quoted_number_stays_a_string_and_a_plain_one_is_a_number()
    {
        var bootstrap = EnvoyBootstrapLoader.Parse(Minimal.Replace("stat_prefix: ingress_http", "stat_prefix: \"42\"").Replace("port_value: 8081", "port_value: \"8081\""), "envoy.yaml");

        var hcm = bootstrap.StaticResources.Listeners[0].FilterChains[0].Filters[0].TypedConfig.Unpack<HttpConnectionManager>();
        Assert.Equal("42", hcm.StatPrefix);
        Assert.Equal(8081u, bootstrap.StaticResources.Clusters[0].LoadAssignment.Endpoints[0].LbEndpoints[0].Endpoint.Address.SocketAddress.PortValue);
    }

    [Theory]
    [InlineData("envoy.yaml", "a: [1", "envoy.yaml:2:1: While parsing a flow sequence")]
    [InlineData("envoy.yaml", "a: 1\na: 2", "envoy.yaml:2:1: Duplicate key a")]
    [InlineData("envoy.yaml", "a: 1\n---\nb: 2", "holds 2 YAML documents")]
    [InlineData("envoy.json", "{\"node\": ", "envoy.json: not valid JSON")]
    [InlineData("envoy.txt", "node: {}", "unknown bootstrap format \".txt\"")]
    public void Malformed_files_are_one_clear_line(string file, string text, string expected)
    {
        var error = Assert.Throws<BootstrapException>(() => EnvoyBootstrapLoader.Parse(text, file)).Message;

        Assert.Contains(expected, error);
        Assert.DoesNotContain('\n', error);
    }
}
