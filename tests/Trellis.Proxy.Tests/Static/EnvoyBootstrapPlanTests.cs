using Trellis.Proxy.Static;

namespace Trellis.Proxy.Tests.Static;

public sealed class EnvoyBootstrapPlanTests
{
    private const string AdsBootstrap = """
        node:
          id: gateway-1
          cluster: edge
          metadata: {NAMESPACE: shop, SERVICE_ACCOUNT: edge-sa, LABELS: {app: edge, version: v2}}
        admin:
          address: {socket_address: {address: 127.0.0.1, port_value: 9901}}
        dynamic_resources:
          lds_config: {ads: {}}
          cds_config: {ads: {}}
          ads_config:
            api_type: GRPC
            transport_api_version: V3
            grpc_services:
            - envoy_grpc: {cluster_name: xds_cluster}
        static_resources:
          clusters:
          - name: xds_cluster
            type: STATIC
            load_assignment:
              cluster_name: xds_cluster
              endpoints:
              - lb_endpoints:
                - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: 15010}}}
        """;

    private static EnvoyBootstrapPlan Plan(string yaml) => EnvoyBootstrapPlan.From(EnvoyBootstrapLoader.Parse(yaml, "envoy.yaml"), "envoy.yaml");

    private static string Refusal(string yaml) => Assert.Throws<BootstrapException>(() => Plan(yaml)).Message;

    [Fact]
    public void Ads_config_points_the_ads_client_at_its_static_cluster_with_the_bootstrap_node()
    {
        var plan = Plan(AdsBootstrap);

        Assert.Equal(new Uri("http://127.0.0.1:15010"), plan.AdsServer);
        Assert.Equal(Trellis.Xds.Client.XdsProtocol.StateOfTheWorld, plan.AdsProtocol);
        Assert.Equal(Trellis.Xds.Client.XdsProtocol.Incremental, Plan(AdsBootstrap.Replace("api_type: GRPC", "api_type: DELTA_GRPC")).AdsProtocol);
        Assert.Equal("gateway-1", plan.Node.Id);
        Assert.Equal("edge", plan.Node.Cluster);
        Assert.Equal("shop", plan.Node.Metadata.Fields["NAMESPACE"].StringValue);
        Assert.Equal(9901, plan.AdminPort);
    }

    [Fact]
    public void Telemetry_identity_comes_from_istio_node_metadata()
    {
        var identity = Plan(AdsBootstrap).Identity();

        Assert.Equal("gateway-1", identity.NodeId);
        Assert.Equal("shop", identity.Workload.Namespace);
        Assert.Equal("edge", identity.Workload.Workload);
    }

    [Fact]
    public void An_ads_cluster_the_file_does_not_define_is_refused_as_envoy_refuses_it()
    {
        Assert.Equal("envoy.yaml: dynamic_resources.ads_config.grpc_services[0].envoy_grpc.cluster_name: unknown gRPC client cluster \"xds\" (it must be a static cluster)",
            Refusal(AdsBootstrap.Replace("cluster_name: xds_cluster}", "cluster_name: xds}")));
    }

    [Theory]
    [InlineData("api_type: GRPC", "api_type: REST", "ads_config.api_type: REST is not supported")]
    [InlineData("lds_config: {ads: {}}", "lds_config: {path: /etc/lds.yaml}", "dynamic_resources.lds_config: only \"ads: {}\" is supported")]
    [InlineData("  id: gateway-1\n", "", "node: id and cluster are required")]
    [InlineData("address: 127.0.0.1, port_value: 15010", "address: xds.example.com, port_value: 15010", "a STATIC cluster's endpoint address must be an IP address")]
    [InlineData("port_value: 9901", "port_value: 99010", "admin.address.socket_address.port_value")]
    public void What_the_proxy_cannot_run_is_refused_with_its_place(string from, string to, string expected)
    {
        Assert.Contains(expected, Refusal(AdsBootstrap.Replace(from, to)));
    }

    [Fact]
    public void A_logical_dns_cluster_takes_exactly_one_endpoint()
    {
        const string yaml = """
            static_resources:
              clusters:
              - name: api
                type: LOGICAL_DNS
                load_assignment:
                  cluster_name: api
                  endpoints:
                  - lb_endpoints:
                    - endpoint: {address: {socket_address: {address: a.example, port_value: 80}}}
                    - endpoint: {address: {socket_address: {address: b.example, port_value: 80}}}
            """;

        Assert.Equal("envoy.yaml: static_resources.clusters[0].load_assignment: a LOGICAL_DNS cluster takes exactly one endpoint, not 2", Refusal(yaml));
    }

    [Fact]
    public void Two_static_clusters_of_one_name_are_refused()
    {
        var twice = AdsBootstrap + "\n" + AdsBootstrap[AdsBootstrap.IndexOf("  - name: xds_cluster", StringComparison.Ordinal)..];

        Assert.Contains("static_resources.clusters[1].name: \"xds_cluster\" is defined twice", Refusal(twice));
    }

    private static string InlineRoutesTo(string cluster, string validate = "") => $$$"""
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
                    name: local_route
                    {{{validate}}}
                    virtual_hosts:
                    - name: backend
                      domains: ["*"]
                      routes:
                      - match: {prefix: "/"}
                        route: {cluster: {{{cluster}}}}
                  http_filters:
                  - name: envoy.filters.http.router
                    typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}
          clusters:
          - name: api_service
            type: STATIC
            load_assignment:
              cluster_name: api_service
              endpoints:
              - lb_endpoints:
                - endpoint:
                    address:
                      socket_address: {address: 127.0.0.1, port_value: 8080}
        """;

    [Fact]
    public void A_static_route_to_a_cluster_the_file_does_not_define_is_refused_as_envoy_validates_clusters()
    {
        Assert.Equal(2, Plan(InlineRoutesTo("api_service")).Clusters.Count + Plan(InlineRoutesTo("api_service")).Listeners.Count);

        Assert.Contains("static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes[0].route.cluster: unknown cluster \"backend\"",
            Refusal(InlineRoutesTo("backend")));
        Assert.Single(Plan(InlineRoutesTo("backend", "validate_clusters: false")).Listeners);
    }
}
