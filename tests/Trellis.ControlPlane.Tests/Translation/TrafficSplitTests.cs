using Envoy.Config.Route.V3;
using Trellis.ControlPlane.Translation;

namespace Trellis.ControlPlane.Tests.Translation;

/// <summary>An SMI TrafficSplit on Bookinfo's reviews, with a Service per version as Linkerd's canaries have them.</summary>
public sealed class TrafficSplitTests
{
    private static string VersionService(string version) => $$"""
        apiVersion: v1
        kind: Service
        metadata: {name: reviews-{{version}}, namespace: bookinfo}
        spec:
          selector: {app: reviews, version: {{version}}}
          ports: [{name: http, port: 9080}]
        """;

    private const string Split = """
        apiVersion: split.smi-spec.io/v1alpha2
        kind: TrafficSplit
        metadata: {name: reviews-rollout, namespace: bookinfo}
        spec:
          service: reviews
          backends:
          - {service: reviews-v1, weight: 90}
          - {service: reviews-v2, weight: 10}
        """;

    [Fact]
    public void Calls_to_the_apex_service_are_weighted_over_the_backend_services()
    {
        var mesh = MeshFixture.Bookinfo(VersionService("v1"), VersionService("v2"), Split);
        var routes = MeshRouteTranslator.Outbound(mesh, MeshFixture.Sidecar("productpage-v1-abc", "productpage", "v1"));

        var route = routes.VirtualHosts.Single(v => v.Name == "reviews.bookinfo.svc.cluster.local:9080").Routes
            .Single(r => r.Match.PathSpecifierCase != RouteMatch.PathSpecifierOneofCase.ConnectMatcher);
        Assert.Equal(["outbound|9080||reviews-v1.bookinfo.svc.cluster.local", "outbound|9080||reviews-v2.bookinfo.svc.cluster.local"],
            route.Route_.WeightedClusters.Clusters.Select(c => c.Name));
        Assert.Equal([90u, 10u], route.Route_.WeightedClusters.Clusters.Select(c => c.Weight ?? 0));
    }
}
