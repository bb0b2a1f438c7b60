using Envoy.Config.Route.V3;
using Trellis.ControlPlane.Translation;

namespace Trellis.ControlPlane.Tests.Translation;

/// <summary>Root VirtualServices route with their delegates' rules merged in, on sidecars and on gateways.</summary>
public sealed class VirtualServiceDelegationTests
{
    private const string ReviewsRoot = """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: bookinfo}
        spec:
          hosts: [reviews]
          http:
          - match:
            - uri: {prefix: /reviews}
            timeout: 2s
            delegate: {name: reviews-canary, namespace: team}
          - route:
            - destination: {host: reviews, subset: v1}
        """;

    private const string ReviewsDelegate = """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews-canary, namespace: team}
        spec:
          http:
          - match:
            - headers: {end-user: {exact: jason}}
            route:
            - destination: {host: reviews.bookinfo.svc.cluster.local, subset: v2}
          - route:
            - destination: {host: reviews.bookinfo.svc.cluster.local, subset: v3}
        """;

    private static List<Route> ReviewsRoutes(RouteConfiguration config) =>
        config.VirtualHosts.Single(v => v.Name == "reviews.bookinfo.svc.cluster.local:9080").Routes
            .Where(r => r.Match.PathSpecifierCase != RouteMatch.PathSpecifierOneofCase.ConnectMatcher).ToList();

    [Fact]
    public void A_sidecar_routes_by_the_delegates_rules_within_the_root_rules_match()
    {
        var mesh = MeshFixture.Bookinfo(MeshFixture.ReviewsRule("", "  - name: v2\n    labels: {version: v2}\n  - name: v3\n    labels: {version: v3}"),
            ReviewsRoot, ReviewsDelegate);
        var routes = ReviewsRoutes(MeshRouteTranslator.Outbound(mesh, MeshFixture.Sidecar("productpage-v1-abc", "productpage", "v1")));

        Assert.Equal(3, routes.Count);
        Assert.Equal("/reviews", routes[0].Match.Prefix);
        Assert.Equal("end-user", Assert.Single(routes[0].Match.Headers).Name);
        Assert.Equal("outbound|9080|v2|reviews.bookinfo.svc.cluster.local", routes[0].Route_.Cluster);
        Assert.Equal(2, routes[0].Route_.Timeout.Seconds);
        Assert.Equal("/reviews", routes[1].Match.Prefix);
        Assert.Empty(routes[1].Match.Headers);
        Assert.Equal("outbound|9080|v3|reviews.bookinfo.svc.cluster.local", routes[1].Route_.Cluster);
        Assert.Equal("outbound|9080|v1|reviews.bookinfo.svc.cluster.local", routes[2].Route_.Cluster);
    }

    [Fact]
    public void Without_its_delegate_the_root_rule_routes_nothing_and_the_rest_still_routes()
    {
        var mesh = MeshFixture.Bookinfo(MeshFixture.ReviewsRule(""), ReviewsRoot);
        var route = Assert.Single(ReviewsRoutes(MeshRouteTranslator.Outbound(mesh, MeshFixture.Sidecar("productpage-v1-abc", "productpage", "v1"))));

        Assert.Equal("outbound|9080|v1|reviews.bookinfo.svc.cluster.local", route.Route_.Cluster);
    }

    [Fact]
    public void A_gateway_routes_by_a_delegate_of_its_bound_virtual_service()
    {
        var mesh = MeshFixture.Bookinfo("""
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: bookinfo, namespace: bookinfo}
            spec:
              hosts: ["*"]
              gateways: [bookinfo-gateway]
              http:
              - match:
                - uri: {prefix: /api}
                delegate: {name: products-api}
            """, """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: products-api, namespace: bookinfo}
            spec:
              http:
              - match:
                - uri: {prefix: /api/v1/products}
                route:
                - destination: {host: productpage, port: {number: 9080}}
            """);
        var host = Assert.Single(GatewayRouteTranslator.Build(mesh, MeshFixture.IngressGateway(18080), 18080).VirtualHosts);

        var route = Assert.Single(host.Routes);
        Assert.Equal("/api/v1/products", route.Match.Prefix);
        Assert.Equal("outbound|9080||productpage.bookinfo.svc.cluster.local", route.Route_.Cluster);
    }
}
