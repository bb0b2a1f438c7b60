using Envoy.Config.Cluster.V3;
using Envoy.Config.Route.V3;
using Trellis.ControlPlane.Translation;

namespace Trellis.ControlPlane.Tests.Translation;

/// <summary>A DestinationRule's loadBalancer as Istio compiles it: consistentHash makes the cluster
/// RING_HASH or MAGLEV, and every route to it carries the matching hash_policy.</summary>
public sealed class LoadBalancingTests
{
    private const string ByUser = """
            loadBalancer:
              consistentHash:
                httpHeaderName: end-user
        """;

    private static IReadOnlyList<Route> ReviewsRoutes(Trellis.ControlPlane.Mesh.MeshModel mesh) =>
        MeshRouteTranslator.Outbound(mesh, MeshFixture.Sidecar("productpage-v1-abc", "productpage", "v1"))
            .VirtualHosts.Single(v => v.Name.StartsWith("reviews.", StringComparison.Ordinal)).Routes
            .Where(r => r.Match.PathSpecifierCase != RouteMatch.PathSpecifierOneofCase.ConnectMatcher).ToList();

    [Fact]
    public void A_consistent_hash_without_an_algorithm_is_a_ring_hash_of_at_least_1024_entries()
    {
        var mesh = MeshFixture.Bookinfo(MeshFixture.ReviewsRule(ByUser));
        var cluster = MeshFixture.OutboundCluster(mesh, "outbound|9080||reviews.bookinfo.svc.cluster.local");
        Assert.Equal(Cluster.Types.LbPolicy.RingHash, cluster.LbPolicy);
        Assert.Equal(1024UL, cluster.RingHashLbConfig.MinimumRingSize);
        Assert.Equal(Cluster.Types.LbPolicy.RingHash, MeshFixture.OutboundCluster(mesh, "outbound|9080|v1|reviews.bookinfo.svc.cluster.local").LbPolicy);
    }

    [Fact]
    public void The_default_route_hashes_on_the_header_the_rule_names()
    {
        var route = Assert.Single(ReviewsRoutes(MeshFixture.Bookinfo(MeshFixture.ReviewsRule(ByUser))));
        var policy = Assert.Single(route.Route_.HashPolicy);
        Assert.Equal("end-user", policy.Header.HeaderName);
    }

    [Fact]
    public void Maglev_and_ring_hash_settings_reach_the_cluster()
    {
        var maglev = MeshFixture.OutboundCluster(MeshFixture.Bookinfo(MeshFixture.ReviewsRule("""
                loadBalancer:
                  consistentHash:
                    useSourceIp: true
                    maglev: {tableSize: 1009}
            """)), "outbound|9080||reviews.bookinfo.svc.cluster.local");
        Assert.Equal(Cluster.Types.LbPolicy.Maglev, maglev.LbPolicy);
        Assert.Equal(1009UL, maglev.MaglevLbConfig.TableSize);

        var ring = MeshFixture.OutboundCluster(MeshFixture.Bookinfo(MeshFixture.ReviewsRule("""
                loadBalancer:
                  consistentHash:
                    httpQueryParameterName: user
                    ringHash: {minimumRingSize: 4096}
            """)), "outbound|9080||reviews.bookinfo.svc.cluster.local");
        Assert.Equal(Cluster.Types.LbPolicy.RingHash, ring.LbPolicy);
        Assert.Equal(4096UL, ring.RingHashLbConfig.MinimumRingSize);
    }

    [Fact]
    public void A_subset_policy_and_a_port_level_policy_replace_the_rules_load_balancer()
    {
        var mesh = MeshFixture.Bookinfo(MeshFixture.ReviewsRule(ByUser, """
              - name: v3
                labels: {version: v3}
                trafficPolicy:
                  loadBalancer: {simple: LEAST_REQUEST}
            """));
        Assert.Equal(Cluster.Types.LbPolicy.LeastRequest, MeshFixture.OutboundCluster(mesh, "outbound|9080|v3|reviews.bookinfo.svc.cluster.local").LbPolicy);

        var portLevel = MeshFixture.Bookinfo(MeshFixture.ReviewsRule("""
                loadBalancer: {simple: RANDOM}
                portLevelSettings:
                - port: {number: 9080}
                  loadBalancer:
                    consistentHash:
                      httpCookie: {name: user, ttl: 0s}
            """));
        Assert.Equal(Cluster.Types.LbPolicy.RingHash, MeshFixture.OutboundCluster(portLevel, "outbound|9080||reviews.bookinfo.svc.cluster.local").LbPolicy);
        var cookie = Assert.Single(Assert.Single(ReviewsRoutes(portLevel)).Route_.HashPolicy).Cookie;
        Assert.Equal("user", cookie.Name);
        Assert.Equal(TimeSpan.Zero, cookie.Ttl.ToTimeSpan());
    }

    [Fact]
    public void A_weighted_route_carries_the_hash_policy_of_each_hashed_destination()
    {
        var mesh = MeshFixture.Bookinfo(MeshFixture.ReviewsRule("""
                loadBalancer: {simple: ROUND_ROBIN}
            """, """
              - name: v3
                labels: {version: v3}
                trafficPolicy:
                  loadBalancer:
                    consistentHash: {useSourceIp: true}
            """), """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: reviews, namespace: bookinfo}
            spec:
              hosts: [reviews]
              http:
              - route:
                - destination: {host: reviews, subset: v1}
                  weight: 50
                - destination: {host: reviews, subset: v3}
                  weight: 50
            """);
        var route = Assert.Single(ReviewsRoutes(mesh));
        Assert.Equal(2, route.Route_.WeightedClusters.Clusters.Count);
        Assert.True(Assert.Single(route.Route_.HashPolicy).ConnectionProperties.SourceIp);
    }

    [Fact]
    public void Without_a_consistent_hash_routes_carry_no_hash_policy()
    {
        Assert.Empty(Assert.Single(ReviewsRoutes(MeshFixture.Bookinfo(MeshFixture.ReviewsRule("""
                loadBalancer: {simple: LEAST_REQUEST}
            """)))).Route_.HashPolicy);
    }
}
