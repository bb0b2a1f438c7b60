using Trellis.ControlPlane.Translation;

namespace Trellis.ControlPlane.Tests.Translation;

public sealed class GatewayRouteTranslatorTests
{
    [Fact]
    public void The_bookinfo_gateway_exposes_productpage_with_istios_five_matches()
    {
        var mesh = MeshFixture.Bookinfo();
        var config = GatewayRouteTranslator.Build(mesh, MeshFixture.IngressGateway(18080), 18080);

        Assert.Equal("http.18080", config.Name);
        var host = Assert.Single(config.VirtualHosts);
        Assert.Equal(["*"], host.Domains);
        Assert.Equal(5, host.Routes.Count);
        Assert.Equal("/productpage", host.Routes[0].Match.Path);
        Assert.Equal("/static", host.Routes[1].Match.Prefix);
        Assert.All(host.Routes, r => Assert.Equal("outbound|9080||productpage.bookinfo.svc.cluster.local", r.Route_.Cluster));
    }

    [Fact]
    public void A_gateway_whose_selector_does_not_match_the_proxy_contributes_nothing()
    {
        var mesh = MeshFixture.Bookinfo();
        var other = Trellis.ControlPlane.Translation.ProxyNode.From("router~127.0.0.1~egress-abc.istio-system~istio-system.svc.cluster.local",
            new Dictionary<string, string> { ["NAMESPACE"] = "istio-system" }, new Dictionary<string, string> { ["istio"] = "egressgateway" });

        Assert.Empty(GatewayRouteTranslator.Build(mesh, other, 8080).VirtualHosts);
    }

    private static string GatewayVs(string name, string prefix) => $$"""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: {{name}}, namespace: bookinfo}
        spec:
          hosts: [shop.example.com]
          gateways: [bookinfo-gateway]
          http:
          - match:
            - uri:
                prefix: {{prefix}}
            route:
            - destination:
                host: productpage
                port: {number: 9080}
        """;

    [Fact]
    public void Virtual_services_sharing_a_host_on_a_gateway_route_oldest_first_as_istiod_orders_them()
    {
        var mesh = MeshFixture.Bookinfo(GatewayVs("zz-older", "/older"), GatewayVs("aa-newer", "/newer"));
        var host = Assert.Single(GatewayRouteTranslator.Build(mesh, MeshFixture.IngressGateway(18080), 18080).VirtualHosts, v => v.Domains.Contains("shop.example.com"));

        Assert.Equal(["/older", "/newer"], host.Routes.Select(r => r.Match.Prefix));
    }

    [Fact]
    public void A_redirect_deriving_its_port_from_the_request_names_the_port_the_gateway_listens_on()
    {
        var mesh = MeshFixture.Bookinfo("""
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: moved, namespace: bookinfo}
            spec:
              hosts: [shop.example.com]
              gateways: [bookinfo-gateway]
              http:
              - redirect: {uri: /new, derivePort: FROM_REQUEST_PORT}
              - redirect: {uri: /other, derivePort: FROM_PROTOCOL_DEFAULT}
            """);
        var host = Assert.Single(GatewayRouteTranslator.Build(mesh, MeshFixture.IngressGateway(18080), 18080).VirtualHosts, v => v.Domains.Contains("shop.example.com"));

        Assert.Equal([18080u, 0u], host.Routes.Select(r => r.Redirect.PortRedirect));
    }
}
