using Envoy.Config.Route.V3;
using Trellis.ControlPlane.Translation;

namespace Trellis.ControlPlane.Tests.Translation;

public sealed class MeshRouteTranslatorTests
{
    private static VirtualHost ReviewsHost(RouteConfiguration config) =>
        config.VirtualHosts.Single(v => v.Name == "reviews.bookinfo.svc.cluster.local:9080");

    /// <summary>The routes plain HTTP requests can take (CONNECT tunnels have their own, first).</summary>
    private static List<Route> HttpRoutes(VirtualHost host) =>
        host.Routes.Where(r => r.Match.PathSpecifierCase != RouteMatch.PathSpecifierOneofCase.ConnectMatcher).ToList();

    private static List<Route> HttpRoutes(RouteConfiguration config, string hostPrefix) =>
        HttpRoutes(config.VirtualHosts.Single(v => v.Name.StartsWith(hostPrefix, StringComparison.Ordinal)));

    [Fact]
    public void Without_a_VirtualService_a_service_routes_to_all_its_endpoints()
    {
        var mesh = MeshFixture.Bookinfo();
        var routes = MeshRouteTranslator.Outbound(mesh, MeshFixture.Sidecar("productpage-v1-abc", "productpage", "v1"));

        var host = ReviewsHost(routes);
        Assert.Contains("reviews:9080", host.Domains);
        Assert.Contains("reviews.bookinfo.svc.cluster.local:9080", host.Domains);
        var route = Assert.Single(HttpRoutes(host));
        Assert.Equal("outbound|9080||reviews.bookinfo.svc.cluster.local", route.Route_.Cluster);
        Assert.Equal("/", route.Match.Prefix);
        Assert.Equal(0, route.Route_.Timeout.Seconds);
        Assert.Equal("block_all", routes.VirtualHosts.Last().Name);
    }

    [Fact]
    public void A_destination_without_a_port_of_a_service_with_several_ports_keeps_the_routed_port_as_in_istiod()
    {
        var mesh = MeshFixture.Bookinfo("""
            apiVersion: v1
            kind: Service
            metadata: {name: reviews, namespace: bookinfo, labels: {app: reviews}}
            spec:
              selector: {app: reviews}
              ports: [{name: http, port: 9080}, {name: http-admin, port: 9090, targetPort: 9080}]
            """, """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: reviews, namespace: bookinfo}
            spec:
              hosts: [reviews]
              http:
              - route:
                - destination: {host: reviews}
            """);
        var routes = MeshRouteTranslator.Outbound(mesh, MeshFixture.Sidecar("productpage-v1-abc", "productpage", "v1"));

        Assert.Equal("outbound|9080||reviews.bookinfo.svc.cluster.local", Assert.Single(HttpRoutes(routes, "reviews.bookinfo.svc.cluster.local:9080")).Route_.Cluster);
        Assert.Equal("outbound|9090||reviews.bookinfo.svc.cluster.local", Assert.Single(HttpRoutes(routes, "reviews.bookinfo.svc.cluster.local:9090")).Route_.Cluster);
    }

    [Fact]
    public void A_uri_regex_rewrite_becomes_envoys_regex_rewrite()
    {
        var mesh = MeshFixture.Bookinfo("""
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: reviews, namespace: bookinfo}
            spec:
              hosts: [reviews]
              http:
              - rewrite:
                  uriRegexRewrite: {match: "^/v1/(.*)$", rewrite: "/reviews/\\1"}
                route:
                - destination: {host: reviews}
            """);
        var action = Assert.Single(HttpRoutes(ReviewsHost(MeshRouteTranslator.Outbound(mesh, MeshFixture.Sidecar("productpage-v1-abc", "productpage", "v1"))))).Route_;

        Assert.Equal("^/v1/(.*)$", action.RegexRewrite.Pattern.Regex);
        Assert.Equal("/reviews/\\1", action.RegexRewrite.Substitution);
        Assert.Equal("", action.PrefixRewrite);
    }

    [Fact]
    public void Mirrors_become_request_mirror_policies_with_istiods_fractions()
    {
        var mesh = MeshFixture.Bookinfo(MeshFixture.ReviewsRule("", "  - name: v2\n    labels: {version: v2}\n  - name: v3\n    labels: {version: v3}"), """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: reviews, namespace: bookinfo}
            spec:
              hosts: [reviews]
              http:
              - match:
                - headers: {end-user: {exact: jason}}
                route:
                - destination: {host: reviews, subset: v1}
                mirror: {host: reviews, subset: v2}
                mirrorPercentage: {value: 12.5}
              - match:
                - headers: {end-user: {exact: none}}
                route:
                - destination: {host: reviews, subset: v1}
                mirror: {host: reviews, subset: v2}
                mirrorPercentage: {value: 0}
              - route:
                - destination: {host: reviews, subset: v1}
                mirrors:
                - destination: {host: reviews, subset: v2}
                - destination: {host: reviews, subset: v3}
                  percentage: {value: 50}
            """);
        var routes = HttpRoutes(ReviewsHost(MeshRouteTranslator.Outbound(mesh, MeshFixture.Sidecar("productpage-v1-abc", "productpage", "v1"))));

        var jason = Assert.Single(routes[0].Route_.RequestMirrorPolicies);
        Assert.Equal("outbound|9080|v2|reviews.bookinfo.svc.cluster.local", jason.Cluster);
        Assert.Equal((125_000u, Envoy.Type.V3.FractionalPercent.Types.DenominatorType.Million), (jason.RuntimeFraction.DefaultValue.Numerator, jason.RuntimeFraction.DefaultValue.Denominator));
        Assert.Empty(routes[1].Route_.RequestMirrorPolicies);
        Assert.Equal([("outbound|9080|v2|reviews.bookinfo.svc.cluster.local", 100u), ("outbound|9080|v3|reviews.bookinfo.svc.cluster.local", 500_000u)],
            routes[2].Route_.RequestMirrorPolicies.Select(m => (m.Cluster, m.RuntimeFraction.DefaultValue.Numerator)));
    }

    [Fact]
    public void A_weighted_VirtualService_becomes_weighted_subset_clusters()
    {
        var mesh = MeshFixture.Bookinfo("""
            apiVersion: networking.istio.io/v1beta1
            kind: VirtualService
            metadata: {name: reviews, namespace: bookinfo}
            spec:
              hosts: [reviews]
              http:
              - route:
                - destination: {host: reviews, subset: v1}
                  weight: 90
                - destination: {host: reviews, subset: v2}
                  weight: 10
            """);
        var host = ReviewsHost(MeshRouteTranslator.Outbound(mesh, MeshFixture.Sidecar("productpage-v1-abc", "productpage", "v1")));

        var clusters = Assert.Single(HttpRoutes(host)).Route_.WeightedClusters.Clusters;
        Assert.Equal(["outbound|9080|v1|reviews.bookinfo.svc.cluster.local", "outbound|9080|v2|reviews.bookinfo.svc.cluster.local"], clusters.Select(c => c.Name));
        Assert.Equal([90u, 10u], clusters.Select(c => c.Weight ?? 0));
    }

    [Fact]
    public void Header_matches_come_first_and_each_match_block_is_its_own_route()
    {
        var mesh = MeshFixture.Bookinfo("""
            apiVersion: networking.istio.io/v1beta1
            kind: VirtualService
            metadata: {name: reviews, namespace: bookinfo}
            spec:
              hosts: [reviews]
              http:
              - match:
                - headers:
                    end-user: {exact: jason}
                - uri: {regex: "/reviews/[0-9]+"}
                  method: {exact: POST}
                route:
                - destination: {host: reviews, subset: v2}
              - route:
                - destination: {host: reviews, subset: v1}
            """);
        var routes = HttpRoutes(ReviewsHost(MeshRouteTranslator.Outbound(mesh, MeshFixture.Sidecar("productpage-v1-abc", "productpage", "v1"))));

        Assert.Equal(3, routes.Count);
        var jason = routes[0].Match.Headers.Single();
        Assert.Equal("end-user", jason.Name);
        Assert.Equal("jason", jason.StringMatch.Exact);
        Assert.Equal("/reviews/[0-9]+", routes[1].Match.SafeRegex.Regex);
        Assert.Equal(":method", routes[1].Match.Headers.Single().Name);
        Assert.Equal("outbound|9080|v2|reviews.bookinfo.svc.cluster.local", routes[1].Route_.Cluster);
        Assert.Equal("outbound|9080|v1|reviews.bookinfo.svc.cluster.local", routes[2].Route_.Cluster);
    }

    [Fact]
    public void Source_labels_limit_a_route_to_matching_clients()
    {
        var mesh = MeshFixture.Bookinfo("""
            apiVersion: networking.istio.io/v1beta1
            kind: VirtualService
            metadata: {name: ratings, namespace: bookinfo}
            spec:
              hosts: [ratings]
              http:
              - match:
                - sourceLabels: {app: reviews, version: v2}
                route:
                - destination: {host: ratings, subset: v1}
                timeout: 2s
              - route:
                - destination: {host: ratings}
            """);
        var fromV2 = HttpRoutes(MeshRouteTranslator.Outbound(mesh, MeshFixture.Sidecar("reviews-v2-abc", "reviews", "v2")), "ratings.");
        var fromV3 = HttpRoutes(MeshRouteTranslator.Outbound(mesh, MeshFixture.Sidecar("reviews-v3-abc", "reviews", "v3")), "ratings.");

        Assert.Equal(2, fromV2.Count);
        Assert.Equal(2, fromV2[0].Route_.Timeout.Seconds);
        Assert.Single(fromV3);
    }

    [Fact]
    public void Source_namespace_limits_a_route_and_a_match_naming_gateways_ignores_source_labels()
    {
        var mesh = MeshFixture.Bookinfo("""
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: ratings, namespace: bookinfo}
            spec:
              hosts: [ratings]
              http:
              - match:
                - sourceNamespace: other
                route:
                - destination: {host: ratings, subset: v1}
              - match:
                - gateways: [mesh]
                  sourceLabels: {app: nobody}
                  headers: {x-probe: {exact: "1"}}
                route:
                - destination: {host: ratings, subset: v1}
              - route:
                - destination: {host: ratings}
            """);
        var routes = HttpRoutes(MeshRouteTranslator.Outbound(mesh, MeshFixture.Sidecar("reviews-v2-abc", "reviews", "v2")), "ratings.");

        // sourceNamespace "other" excludes a bookinfo client; the gateways match applies to every mesh client.
        Assert.Equal(2, routes.Count);
        Assert.Equal("x-probe", Assert.Single(routes[0].Match.Headers).Name);
    }

    [Fact]
    public void Short_names_address_only_services_of_the_clients_own_namespace()
    {
        var mesh = MeshFixture.Bookinfo("""
            apiVersion: v1
            kind: Service
            metadata: {name: reviews, namespace: other}
            spec:
              selector: {app: reviews}
              ports:
              - {name: http, port: 9080}
            """);
        var routes = MeshRouteTranslator.Outbound(mesh, MeshFixture.Sidecar("productpage-v1-abc", "productpage", "v1"));

        var domains = routes.VirtualHosts.SelectMany(v => v.Domains).ToList();
        Assert.Equal(domains.Count, domains.Distinct().Count());
        Assert.Contains("reviews:9080", ReviewsHost(routes).Domains);
        var other = routes.VirtualHosts.Single(v => v.Name == "reviews.other.svc.cluster.local:9080");
        Assert.Equal(["reviews.other.svc.cluster.local:9080", "reviews.other.svc:9080", "reviews.other:9080"], other.Domains);
    }
}
