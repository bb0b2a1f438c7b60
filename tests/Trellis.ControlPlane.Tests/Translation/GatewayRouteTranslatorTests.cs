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
}
