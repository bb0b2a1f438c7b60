using Envoy.Config.Cluster.V3;
using Envoy.Config.Endpoint.V3;
using Envoy.Config.Listener.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Trellis.ControlPlane.Translation;

namespace Trellis.ControlPlane.Tests.Translation;

public sealed class ProxyConfigBuilderTests
{
    [Fact]
    public void A_sidecar_gets_outbound_and_inbound_listeners_on_its_own_ports()
    {
        var resources = ProxyConfigBuilder.Build(MeshFixture.Bookinfo(), MeshFixture.Sidecar("reviews-v1-abc", "reviews", "v1", outbound: 31001, inbound: 31002));

        var listeners = resources.Listeners.Cast<Listener>().ToDictionary(l => l.Name);
        Assert.Equal(31001u, listeners["virtualOutbound"].Address.SocketAddress.PortValue);
        Assert.Equal(31002u, listeners["virtualInbound"].Address.SocketAddress.PortValue);
        var inbound = resources.Clusters.Cast<Cluster>().Single(c => c.Name == "inbound|9080||");
        Assert.Equal(31000u, inbound.LoadAssignment.Endpoints[0].LbEndpoints[0].Endpoint.Address.SocketAddress.PortValue);
    }

    [Fact]
    public void The_inbound_cluster_names_the_service_that_selects_the_pod_for_telemetry()
    {
        var resources = ProxyConfigBuilder.Build(MeshFixture.Bookinfo(), MeshFixture.Sidecar("reviews-v1-abc", "reviews", "v1"));

        var inbound = resources.Clusters.Cast<Cluster>().Single(c => c.Name == "inbound|9080||");
        var service = inbound.Metadata.FilterMetadata["istio"].Fields["services"].ListValue.Values.Single().StructValue.Fields;
        Assert.Equal("reviews.bookinfo.svc.cluster.local", service["host"].StringValue);
        Assert.Equal("reviews", service["name"].StringValue);
        Assert.Equal("bookinfo", service["namespace"].StringValue);
    }

    [Theory]
    [InlineData("http", "http1")]
    [InlineData("http-web", "http1")]
    [InlineData("grpc", "http2")]
    [InlineData("http2", "http2")]
    [InlineData("web", "downstream")]
    public void The_app_is_spoken_to_in_the_protocol_its_service_port_declares(string portName, string expected)
    {
        var service = $$"""
            apiVersion: v1
            kind: Service
            metadata: {name: shop, namespace: bookinfo}
            spec:
              ports: [{port: 9080, name: {{portName}}}]
              selector: {app: shop}
            """;

        var resources = ProxyConfigBuilder.Build(MeshFixture.Bookinfo(service), MeshFixture.Sidecar("shop-abc", "shop", "v1"));

        var options = resources.Clusters.Cast<Cluster>().Single(c => c.Name == "inbound|9080||")
            .TypedExtensionProtocolOptions[ClusterTranslator.ProtocolOptionsKey].Unpack<Envoy.Extensions.Upstreams.Http.V3.HttpProtocolOptions>();
        var actual = options.ExplicitHttpConfig?.Http2ProtocolOptions is not null ? "http2"
            : options.ExplicitHttpConfig?.HttpProtocolOptions is not null ? "http1"
            : options.UseDownstreamProtocolConfig is not null ? "downstream" : "none";
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void The_inbound_cluster_of_a_pod_no_service_selects_names_none()
    {
        var resources = ProxyConfigBuilder.Build(MeshFixture.Bookinfo(), MeshFixture.Sidecar("loner-abc", "loner", "v1"));

        Assert.Null(resources.Clusters.Cast<Cluster>().Single(c => c.Name == "inbound|9080||").Metadata);
    }

    [Fact]
    public void A_sidecar_takes_connect_tunnels_on_both_sides()
    {
        var resources = ProxyConfigBuilder.Build(MeshFixture.Bookinfo(), MeshFixture.Sidecar("reviews-v1-abc", "reviews", "v1"));

        var listeners = resources.Listeners.Cast<Listener>().ToDictionary(l => l.Name);
        Assert.Equal("CONNECT", Hcm(listeners["virtualOutbound"]).UpgradeConfigs.Single().UpgradeType);
        var tunnel = listeners[ClusterNames.OutboundTunnel];
        Assert.NotNull(tunnel.InternalListener);
        Assert.Null(tunnel.Address);
        Assert.Equal(ClusterNames.OutboundRoute, Hcm(tunnel).Rds.RouteConfigName);
        var toTunnel = resources.Clusters.Cast<Cluster>().Single(c => c.Name == ClusterNames.OutboundTunnel);
        Assert.Equal(ClusterNames.OutboundTunnel, toTunnel.LoadAssignment.Endpoints[0].LbEndpoints[0].Endpoint.Address.EnvoyInternalAddress.ServerListenerName);

        var inbound = Hcm(listeners["virtualInbound"]);
        Assert.Equal("CONNECT", inbound.UpgradeConfigs.Single().UpgradeType);
        var intoApp = inbound.RouteConfig.VirtualHosts[0].Routes[0];
        Assert.NotNull(intoApp.Match.ConnectMatcher);
        Assert.NotNull(intoApp.Route_.UpgradeConfigs.Single().ConnectConfig);
        Assert.Equal("inbound|9080||", intoApp.Route_.Cluster);
    }

    private static HttpConnectionManager Hcm(Listener listener) => listener.FilterChains[0].Filters[0].TypedConfig.Unpack<HttpConnectionManager>();

    [Fact]
    public void Subset_clusters_hold_only_the_pods_with_the_subset_labels()
    {
        var resources = ProxyConfigBuilder.Build(MeshFixture.Bookinfo(), MeshFixture.Sidecar("productpage-v1-abc", "productpage", "v1"));

        var assignments = resources.Endpoints.Cast<ClusterLoadAssignment>().ToDictionary(a => a.ClusterName);
        Assert.Equal(3, assignments["outbound|9080||reviews.bookinfo.svc.cluster.local"].Endpoints[0].LbEndpoints.Count);
        var v2 = Assert.Single(assignments["outbound|9080|v2|reviews.bookinfo.svc.cluster.local"].Endpoints[0].LbEndpoints);
        Assert.StartsWith("reviews-v2;bookinfo;reviews;v2", v2.Metadata.FilterMetadata["istio"].Fields["workload"].StringValue);
        var cluster = resources.Clusters.Cast<Cluster>().Single(c => c.Name == "outbound|9080|v2|reviews.bookinfo.svc.cluster.local");
        Assert.Equal(Cluster.Types.DiscoveryType.Eds, cluster.Type);
        Assert.Equal("reviews", cluster.Metadata.FilterMetadata["istio"].Fields["services"].ListValue.Values[0].StructValue.Fields["name"].StringValue);
    }

    [Fact]
    public void A_client_with_a_plain_id_cannot_be_a_sidecar_and_is_served_as_proxyless_grpc()
    {
        var node = ProxyNode.From("grpc-client-1", new Dictionary<string, string> { ["NAMESPACE"] = "bookinfo" }, new Dictionary<string, string>());
        Assert.Equal(ProxyKind.ProxylessGrpc, node.Kind);
        var resources = ProxyConfigBuilder.Build(MeshFixture.Bookinfo(), node);

        var listener = resources.Listeners.Cast<Listener>().Single(l => l.Name == "reviews.bookinfo.svc.cluster.local:9080");
        Assert.NotNull(listener.ApiListener);
        Assert.All(resources.Clusters.Cast<Cluster>(), c => Assert.Equal(Cluster.Types.DiscoveryType.Eds, c.Type));
    }
}
