using Envoy.Config.Cluster.V3;
using Envoy.Config.Listener.V3;
using Envoy.Config.Route.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Trellis.ControlPlane.Translation;

namespace Trellis.ControlPlane.Tests.Translation;

/// <summary>Proxyless gRPC clients are served as istiod's grpcgen serves them: decided by node metadata
/// GENERATOR grpc, API listeners named like the client's target, route tables named by cluster key.</summary>
public sealed class ProxylessGrpcResourcesTests
{
    private const string Reviews = "reviews.bookinfo.svc.cluster.local";

    /// <summary>The node Istio's agent bootstraps a proxyless gRPC client with.</summary>
    private static ProxyNode IstioGrpcClient(string ns = "bookinfo", bool generator = true)
    {
        var metadata = new Dictionary<string, string> { ["NAMESPACE"] = ns };
        if (generator) metadata[ProxyNode.GeneratorKey] = ProxyNode.GrpcGenerator;
        return ProxyNode.From($"sidecar~127.0.0.1~client-xyz.{ns}~{ns}.svc.cluster.local", metadata, new Dictionary<string, string> { ["app"] = "client" });
    }

    private static HttpConnectionManager Hcm(Listener listener) => listener.ApiListener.ApiListener_.Unpack<HttpConnectionManager>();

    [Fact]
    public void Generator_grpc_makes_a_proxyless_client_even_with_a_sidecar_id()
    {
        var client = IstioGrpcClient();
        Assert.Equal(ProxyKind.ProxylessGrpc, client.Kind);
        Assert.Equal("client-xyz", client.PodName);
        Assert.Equal("bookinfo", client.Namespace);
        Assert.Equal(ProxyKind.Sidecar, IstioGrpcClient(generator: false).Kind);
        Assert.Equal("proxyless-grpc", client.Kind.DisplayName());
    }

    [Fact]
    public void The_target_host_and_port_names_an_api_listener_whose_routes_come_by_cluster_key()
    {
        var resources = ProxyConfigBuilder.Build(MeshFixture.Bookinfo(), IstioGrpcClient());

        var listener = resources.Listeners.Cast<Listener>().Single(l => l.Name == Reviews + ":9080");
        Assert.Null(listener.Address);
        var hcm = Hcm(listener);
        Assert.Equal("outbound|9080||" + Reviews, hcm.Rds.RouteConfigName);
        Assert.NotNull(hcm.Rds.ConfigSource.Ads);
        Assert.Equal(["envoy.filters.http.fault", "envoy.filters.http.router"], hcm.HttpFilters.Select(f => f.Name));

        var table = resources.Routes.Cast<RouteConfiguration>().Single(r => r.Name == hcm.Rds.RouteConfigName);
        var host = Assert.Single(table.VirtualHosts);
        Assert.Contains(Reviews + ":9080", host.Domains);
        Assert.Contains("reviews:9080", host.Domains);
        Assert.DoesNotContain(host.Routes, r => r.Match.ConnectMatcher is not null);
    }

    [Fact]
    public void Short_names_resolve_from_the_services_own_namespace_only_as_istiod_expands_them()
    {
        var local = ProxyConfigBuilder.Build(MeshFixture.Bookinfo(), IstioGrpcClient()).Listeners.Cast<Listener>().Select(l => l.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "reviews:9080", "reviews.bookinfo:9080", "reviews.bookinfo.svc:9080", Reviews + ":9080" }, local);

        var other = ProxyConfigBuilder.Build(MeshFixture.Bookinfo(), IstioGrpcClient("default")).Listeners.Cast<Listener>().Select(l => l.Name).ToList();
        Assert.Contains(Reviews + ":9080", other);
        Assert.DoesNotContain("reviews:9080", other);
        Assert.DoesNotContain("reviews.bookinfo:9080", other);
        // Every listener of one service port shares its route table.
        Assert.All(ProxyConfigBuilder.Build(MeshFixture.Bookinfo(), IstioGrpcClient()).Listeners.Cast<Listener>().Where(l => l.Name.StartsWith("reviews", StringComparison.Ordinal)),
            l => Assert.Equal("outbound|9080||" + Reviews, Hcm(l).Rds.RouteConfigName));
    }

    [Fact]
    public void Subset_routes_of_a_virtual_service_reach_the_client()
    {
        var mesh = MeshFixture.Bookinfo("""
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: reviews, namespace: bookinfo}
            spec:
              hosts: [reviews]
              http:
              - match: [{headers: {end-user: {exact: jason}}}]
                route: [{destination: {host: reviews, subset: v2}}]
              - route: [{destination: {host: reviews, subset: v1}, weight: 75}, {destination: {host: reviews, subset: v3}, weight: 25}]
            """);
        var table = ProxyConfigBuilder.Build(mesh, IstioGrpcClient()).Routes.Cast<RouteConfiguration>().Single(r => r.Name == "outbound|9080||" + Reviews);

        var routes = Assert.Single(table.VirtualHosts).Routes;
        Assert.Equal("end-user", routes[0].Match.Headers.Single().Name);
        Assert.Equal("outbound|9080|v2|" + Reviews, routes[0].Route_.Cluster);
        Assert.Equal([("outbound|9080|v1|" + Reviews, 75u), ("outbound|9080|v3|" + Reviews, 25u)],
            routes[1].Route_.WeightedClusters.Clusters.Select(c => (c.Name, c.Weight ?? 0)));
    }

    [Fact]
    public void Clusters_are_plain_eds_balanced_round_robin_unless_the_rule_hashes()
    {
        var leastRequest = MeshFixture.Bookinfo(MeshFixture.ReviewsRule("""
                loadBalancer: {simple: LEAST_REQUEST}
                connectionPool: {http: {http2MaxRequests: 10}}
                outlierDetection: {consecutive5xxErrors: 3}
            """));
        var clusters = ProxyConfigBuilder.Build(leastRequest, IstioGrpcClient()).Clusters.Cast<Cluster>().ToList();

        Assert.All(clusters, c => Assert.Equal(Cluster.Types.DiscoveryType.Eds, c.Type));
        Assert.DoesNotContain(clusters, c => c.Name is ClusterNames.Passthrough or ClusterNames.BlackHole);
        var v1 = clusters.Single(c => c.Name == "outbound|9080|v1|" + Reviews);
        Assert.Equal(Cluster.Types.LbPolicy.RoundRobin, v1.LbPolicy);
        Assert.Equal(v1.Name, v1.EdsClusterConfig.ServiceName);
        Assert.NotNull(v1.EdsClusterConfig.EdsConfig.Ads);
        Assert.Null(v1.CircuitBreakers);
        Assert.Null(v1.OutlierDetection);

        var hashed = MeshFixture.Bookinfo(MeshFixture.ReviewsRule("""
                loadBalancer: {consistentHash: {httpHeaderName: end-user, ringHash: {minimumRingSize: 2048}}}
            """));
        var ring = ProxyConfigBuilder.Build(hashed, IstioGrpcClient()).Clusters.Cast<Cluster>().Single(c => c.Name == "outbound|9080|v1|" + Reviews);
        Assert.Equal(Cluster.Types.LbPolicy.RingHash, ring.LbPolicy);
        Assert.Equal(2048UL, ring.RingHashLbConfig.MinimumRingSize);
    }
}
