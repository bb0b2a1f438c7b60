using Envoy.Config.Route.V3;
using Trellis.ControlPlane.Translation;
using Trellis.Xds.Server;

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

        public XdsResourceSet Routes(ProxyNode node) => Shared.Routes(node, ProxyScope.For(_mesh, node));

        public OutboundView View(ProxyNode node) => Shared.For(node, ProxyScope.For(_mesh, node));

        public ProxyScope Scope(ProxyNode node) => Shared.ScopeOf(node);
    }

    private static List<Route> RatingsRoutes(XdsResourceSet table) =>
        table.Ordered.Single().Message<RouteConfiguration>().VirtualHosts.Single(v => v.Name.StartsWith("ratings.", StringComparison.Ordinal)).Routes.Where(r => r.Match.ConnectMatcher is null).ToList();

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
        var bookinfoClusters = outbound.View(Productpage).ClusterSet;
        var otherClusters = outbound.View(other).ClusterSet;
        const string reviews = "outbound|9080||reviews.bookinfo.svc.cluster.local";
        Assert.Same(bookinfoClusters.Find(reviews), otherClusters.Find(reviews));
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

    /// <summary>The mesh with <paramref name="yaml"/>'s objects in place of their namesakes (or added); every other object
    /// is the same instance, as the config store keeps what an apply did not change.</summary>
    private static Mesh.MeshModel Changed(Mesh.MeshModel mesh, string yaml)
    {
        var changed = Trellis.Config.ConfigLoader.LoadText(yaml, "change.yaml").Resources;
        static bool Same(Trellis.Config.Model.Resource a, Trellis.Config.Model.Resource b) =>
            a.Kind == b.Kind && a.Metadata.Name == b.Metadata.Name && a.Metadata.Namespace == b.Metadata.Namespace;
        var resources = mesh.Resources.Select(r => changed.FirstOrDefault(c => Same(c, r)) ?? r)
            .Concat(changed.Where(c => !mesh.Resources.Any(r => Same(c, r)))).ToList();
        return new Mesh.MeshModel(resources, mesh.Workloads, mesh.Version + 1);
    }

    [Fact]
    public void A_virtual_service_change_keeps_the_last_clusters_and_a_destination_rule_change_translates_them_again()
    {
        var before = MeshFixture.Bookinfo(RatingsFromReviewsV2);
        var first = OutboundResources.For(before);
        var view = first.For(Productpage, first.ScopeOf(Productpage));

        var afterVirtualService = Changed(before, RatingsFromReviewsV2.Replace("subset: v1", "subset: v2"));
        var second = OutboundResources.For(afterVirtualService, first);
        Assert.Same(view, second.For(Productpage, second.ScopeOf(Productpage)));

        var afterRule = Changed(afterVirtualService, MeshFixture.ReviewsRule("    loadBalancer: {simple: RANDOM}"));
        var third = OutboundResources.For(afterRule, second);
        Assert.NotSame(view, third.For(Productpage, third.ScopeOf(Productpage)));
    }

    [Fact]
    public void Under_a_sidecar_a_virtual_service_that_sends_traffic_elsewhere_translates_the_clusters_again()
    {
        const string sidecar = """
            apiVersion: networking.istio.io/v1
            kind: Sidecar
            metadata: {name: productpage, namespace: bookinfo}
            spec:
              workloadSelector:
                labels: {app: productpage}
              egress:
              - hosts: ["./reviews.bookinfo.svc.cluster.local"]
            """;
        const string reviewsTo = """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: reviews, namespace: bookinfo}
            spec:
              hosts: [reviews]
              http:
              - route:
                - destination: {host: HOST}
            """;
        var before = MeshFixture.Bookinfo(sidecar, reviewsTo.Replace("HOST", "reviews"));
        var first = OutboundResources.For(before);
        var view = first.For(Productpage, first.ScopeOf(Productpage));
        Assert.DoesNotContain(view.ClusterSet.Ordered, c => c.Name.Contains("ratings.bookinfo", StringComparison.Ordinal));

        var after = Changed(before, reviewsTo.Replace("HOST", "ratings"));
        var second = OutboundResources.For(after, first);
        var kept = second.For(Productpage, second.ScopeOf(Productpage));

        Assert.NotSame(view, kept);
        Assert.Contains(kept.ClusterSet.Ordered, c => c.Name == "outbound|9080||ratings.bookinfo.svc.cluster.local");
    }

    [Fact]
    public void A_virtual_service_change_changes_the_shared_digest_of_the_proxies_that_import_it_only()
    {
        var before = MeshFixture.Bookinfo(RatingsFromReviewsV2, """
            apiVersion: networking.istio.io/v1
            kind: Sidecar
            metadata: {name: default, namespace: other}
            spec:
              egress:
              - hosts: ["./*"]
            """);
        var after = Changed(before, RatingsFromReviewsV2.Replace("subset: v1", "subset: v2"));
        var first = OutboundResources.For(before);
        var second = OutboundResources.For(after, first);
        var other = InNamespace("other");

        Assert.NotEqual(first.SharedDigest(ReviewsV2), second.SharedDigest(ReviewsV2));
        // reviews-v3 does not carry the sourceLabels of the route that changed.
        Assert.Equal(first.SharedDigest(ReviewsV3), second.SharedDigest(ReviewsV3));
        Assert.Equal(first.SharedDigest(other), second.SharedDigest(other));
        Assert.Null(second.SharedDigest(MeshFixture.IngressGateway()));
    }
}
