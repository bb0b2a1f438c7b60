using Envoy.Config.Route.V3;
using Trellis.ControlPlane.Translation;

namespace Trellis.ControlPlane.Tests.Translation;

/// <summary>Proxies that see the outbound world alike share one translation of it, and only those: the route table
/// differs wherever a namespace, a DestinationRule's workloadSelector or a VirtualService's sourceLabels make it differ.</summary>
public sealed class OutboundResourcesTests
{
    private static readonly ProxyNode Productpage = MeshFixture.Sidecar("productpage-v1-abc", "productpage", "v1");
    private static readonly ProxyNode ReviewsV2 = MeshFixture.Sidecar("reviews-v2-abc", "reviews", "v2");
    private static readonly ProxyNode ReviewsV3 = MeshFixture.Sidecar("reviews-v3-abc", "reviews", "v3");

    private const string RatingsFromReviewsV2 = """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: ratings, namespace: bookinfo}
        spec:
          hosts: [ratings]
          http:
          - match:
            - sourceLabels: {app: reviews, version: v2}
            route:
            - destination: {host: ratings, subset: v1}
          - route:
            - destination: {host: ratings}
        """;

    private static ProxyNode InNamespace(string ns) => ProxyNode.From(
        $"sidecar~127.0.0.1~sleep-abc.{ns}~{ns}.svc.cluster.local",
        new Dictionary<string, string> { ["NAMESPACE"] = ns, [ProxyNode.OutboundPortKey] = "15001" },
        new Dictionary<string, string> { ["app"] = "sleep" });

    /// <summary>One mesh model's shared outbound resources, as a push computes them.</summary>
    private sealed class Outbound(params string[] yaml)
    {
        private readonly Mesh.MeshModel _mesh = MeshFixture.Bookinfo(yaml);
        private OutboundResources? _shared;

        private OutboundResources Shared => _shared ??= OutboundResources.For(_mesh);

        public RouteConfiguration Routes(ProxyNode node) => Shared.Routes(node, ProxyScope.For(_mesh, node));

        public OutboundView View(ProxyNode node) => Shared.For(node, ProxyScope.For(_mesh, node));

        public ProxyScope Scope(ProxyNode node) => Shared.ScopeOf(node);
    }

    private static List<Route> RatingsRoutes(RouteConfiguration table) =>
        table.VirtualHosts.Single(v => v.Name.StartsWith("ratings.", StringComparison.Ordinal)).Routes.Where(r => r.Match.ConnectMatcher is null).ToList();

    [Fact]
    public void Sidecars_of_one_namespace_share_one_route_table_and_one_set_of_clusters()
    {
        var outbound = new Outbound();

        Assert.Same(outbound.Routes(Productpage), outbound.Routes(ReviewsV2));
        Assert.Same(outbound.View(Productpage), outbound.View(ReviewsV2));
    }

    [Fact]
    public void A_sidecar_that_carries_a_virtual_services_source_labels_gets_its_own_table()
    {
        var outbound = new Outbound(RatingsFromReviewsV2);

        var fromV2 = outbound.Routes(ReviewsV2);
        var fromV3 = outbound.Routes(ReviewsV3);

        Assert.NotSame(fromV2, fromV3);
        Assert.Equal(2, RatingsRoutes(fromV2).Count);
        Assert.Single(RatingsRoutes(fromV3));
        // Matching none of the selectors is one group, whatever else the labels say.
        Assert.Same(fromV3, outbound.Routes(Productpage));
    }

    [Fact]
    public void A_destination_rule_that_selects_a_workload_gives_it_its_own_table()
    {
        var outbound = new Outbound("""
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: ratings-by-user, namespace: bookinfo}
            spec:
              host: ratings
              workloadSelector:
                matchLabels: {app: productpage}
              trafficPolicy:
                loadBalancer:
                  consistentHash: {httpHeaderName: end-user}
            """);

        var productpage = outbound.Routes(Productpage);
        var reviews = outbound.Routes(ReviewsV2);

        Assert.NotSame(productpage, reviews);
        Assert.Equal("end-user", Assert.Single(RatingsRoutes(productpage)[0].Route_.HashPolicy).Header.HeaderName);
        Assert.Empty(RatingsRoutes(reviews)[0].Route_.HashPolicy);
    }

    [Fact]
    public void Namespaces_get_their_own_tables_but_hold_equal_clusters_once()
    {
        var outbound = new Outbound();
        var other = InNamespace("other");

        Assert.NotSame(outbound.Routes(Productpage), outbound.Routes(other));
        var bookinfoClusters = outbound.View(Productpage).Clusters;
        var otherClusters = outbound.View(other).Clusters;
        const string reviews = "outbound|9080||reviews.bookinfo.svc.cluster.local";
        Assert.Same(bookinfoClusters.Single(c => c.Name == reviews), otherClusters.Single(c => c.Name == reviews));
    }

    [Fact]
    public void Proxies_under_one_sidecar_share_one_scope_and_a_proxy_under_another_gets_its_own()
    {
        var outbound = new Outbound("""
            apiVersion: networking.istio.io/v1
            kind: Sidecar
            metadata: {name: reviews, namespace: bookinfo}
            spec:
              workloadSelector:
                labels: {app: reviews}
              egress:
              - hosts: ["./ratings.bookinfo.svc.cluster.local"]
            """);

        Assert.Same(outbound.Scope(ReviewsV2), outbound.Scope(ReviewsV3));
        Assert.NotSame(outbound.Scope(ReviewsV2), outbound.Scope(Productpage));
        Assert.Equal("bookinfo|bookinfo/reviews", outbound.Scope(ReviewsV2).Key);
        Assert.Equal("bookinfo", outbound.Scope(Productpage).Key);
    }
}
