using Envoy.Config.Cluster.V3;
using Envoy.Config.Endpoint.V3;
using Envoy.Config.Route.V3;
using Trellis.ControlPlane.Translation;

namespace Trellis.ControlPlane.Tests.Translation;

/// <summary>A second DestinationRule for a host is merged into the first, as Istio merges them, so routes to
/// its subsets find clusters.</summary>
public sealed class DestinationRuleMergeTests
{
    private const string Reviews = "reviews.bookinfo.svc.cluster.local";

    private const string ExtraSubsets = """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews-extra-subsets, namespace: bookinfo}
        spec:
          host: reviews
          trafficPolicy: {loadBalancer: {simple: RANDOM}}
          subsets:
          - {name: stable, labels: {version: v1}}
          - {name: canary, labels: {version: v3}}
          - {name: v1, labels: {version: v2}}
        """;

    private const string SplitOverExtraSubsets = """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: bookinfo}
        spec:
          hosts: [reviews]
          http:
          - route:
            - {destination: {host: reviews, subset: stable}, weight: 80}
            - {destination: {host: reviews, subset: canary}, weight: 20}
        """;

    private static ProxyResources ForProductpage(params string[] extra) =>
        ProxyConfigBuilder.Build(MeshFixture.Bookinfo(extra), MeshFixture.Sidecar("productpage-v1-abc", "productpage", "v1"));

    [Fact]
    public void Clusters_exist_for_the_subsets_of_both_rules()
    {
        var clusters = ForProductpage(ExtraSubsets).Clusters.Cast<Cluster>().Select(c => c.Name).ToHashSet();

        foreach (var subset in new[] { "v1", "v2", "v3", "stable", "canary" })
            Assert.Contains($"outbound|9080|{subset}|{Reviews}", clusters);
    }

    [Fact]
    public void Subset_endpoints_follow_the_rule_that_defines_them_and_a_redefined_subset_keeps_the_oldest()
    {
        var assignments = ForProductpage(ExtraSubsets).Endpoints.Cast<ClusterLoadAssignment>().ToDictionary(a => a.ClusterName);

        Assert.Equal("reviews-v3", Workload(assignments[$"outbound|9080|canary|{Reviews}"]));
        Assert.Equal("reviews-v1", Workload(assignments[$"outbound|9080|stable|{Reviews}"]));
        Assert.Equal("reviews-v1", Workload(assignments[$"outbound|9080|v1|{Reviews}"]));
    }

    [Fact]
    public void A_split_over_the_second_rules_subsets_routes_to_clusters_that_exist()
    {
        var resources = ForProductpage(ExtraSubsets, SplitOverExtraSubsets);

        var clusters = resources.Clusters.Cast<Cluster>().Select(c => c.Name).ToHashSet();
        var route = resources.Routes.Cast<RouteConfiguration>().SelectMany(r => r.VirtualHosts)
            .Single(h => h.Name == $"{Reviews}:9080").Routes.Single(r => r.Route_?.WeightedClusters is not null);
        var weights = route.Route_.WeightedClusters.Clusters.ToDictionary(c => c.Name, c => c.Weight);
        Assert.Equal(80u, weights[$"outbound|9080|stable|{Reviews}"]);
        Assert.Equal(20u, weights[$"outbound|9080|canary|{Reviews}"]);
        Assert.All(weights.Keys, name => Assert.Contains(name, clusters));
    }

    [Fact]
    public void The_older_rules_top_level_policy_wins_and_a_later_one_fills_in_when_it_has_none()
    {
        var withOlderPolicy = MeshFixture.ReviewsRule("    loadBalancer: {simple: LEAST_REQUEST}");

        var kept = MeshFixture.OutboundCluster(MeshFixture.Bookinfo(withOlderPolicy, ExtraSubsets), $"outbound|9080|canary|{Reviews}");
        var filledIn = MeshFixture.OutboundCluster(MeshFixture.Bookinfo(ExtraSubsets), $"outbound|9080|v2|{Reviews}");

        Assert.Equal(Cluster.Types.LbPolicy.LeastRequest, kept.LbPolicy);
        Assert.Equal(Cluster.Types.LbPolicy.Random, filledIn.LbPolicy);
    }

    [Fact]
    public void A_rule_private_to_another_namespace_does_not_add_subsets_here()
    {
        var elsewhere = ExtraSubsets.Replace("namespace: bookinfo}", "namespace: frontend}").Replace("host: reviews\n", "host: reviews.bookinfo.svc.cluster.local\n  exportTo: [\".\"]\n");

        var clusters = ForProductpage(elsewhere).Clusters.Cast<Cluster>().Select(c => c.Name).ToList();

        Assert.Contains($"outbound|9080|v2|{Reviews}", clusters);
        Assert.DoesNotContain($"outbound|9080|canary|{Reviews}", clusters);
    }

    [Fact]
    public void A_workload_selector_rule_shapes_only_the_clusters_of_the_workloads_it_selects()
    {
        var forProductpage = ExtraSubsets.Replace("spec:\n", "spec:\n  workloadSelector: {matchLabels: {app: productpage}}\n");
        var mesh = MeshFixture.Bookinfo(forProductpage);
        var outbound = OutboundResources.For(mesh);

        var productpage = ProxyConfigBuilder.Build(mesh, outbound, MeshFixture.Sidecar("productpage-v1-abc", "productpage", "v1"));
        var ratings = ProxyConfigBuilder.Build(mesh, outbound, MeshFixture.Sidecar("ratings-v1-abc", "ratings", "v1"));

        Assert.Contains(productpage.Clusters.Cast<Cluster>(), c => c.Name == $"outbound|9080|canary|{Reviews}");
        Assert.DoesNotContain(ratings.Clusters.Cast<Cluster>(), c => c.Name == $"outbound|9080|canary|{Reviews}");
        Assert.Contains(ratings.Clusters.Cast<Cluster>(), c => c.Name == $"outbound|9080|v3|{Reviews}");
    }

    private static string Workload(ClusterLoadAssignment assignment) =>
        Assert.Single(assignment.Endpoints[0].LbEndpoints).Metadata.FilterMetadata["istio"].Fields["workload"].StringValue.Split(';')[0];
}
