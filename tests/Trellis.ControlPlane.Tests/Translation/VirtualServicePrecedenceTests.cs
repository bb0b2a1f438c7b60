using Envoy.Config.Route.V3;
using Trellis.ControlPlane.Translation;

namespace Trellis.ControlPlane.Tests.Translation;

/// <summary>Of several VirtualServices for one host, a sidecar follows the one istiod gives it: the most specific host,
/// then private over explicitly exported over public, then the oldest; the client's namespace alone decides nothing.</summary>
public sealed class VirtualServicePrecedenceTests
{
    private static string ReviewsTo(string name, string ns, string host, string subset, string exportTo = "") => $$"""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: {{name}}, namespace: {{ns}}}
        spec:
          hosts: ["{{host}}"]
        {{exportTo}}
          http:
          - route:
            - destination: {host: reviews.bookinfo.svc.cluster.local, subset: {{subset}}}
        """;

    private static string SubsetOfReviews(params string[] yaml)
    {
        var routes = ProxyConfigBuilder.Build(MeshFixture.Bookinfo(yaml), MeshFixture.Sidecar("productpage-v1-abc", "productpage", "v1"))
            .Routes.Cast<RouteConfiguration>().Single();
        return routes.VirtualHosts.Single(v => v.Name == "reviews.bookinfo.svc.cluster.local:9080").Routes.Last().Route_.Cluster.Split('|')[2];
    }

    [Fact]
    public void Of_two_public_virtual_services_the_oldest_applies_whatever_their_namespaces()
    {
        var older = ReviewsTo("zz-older", "other", "reviews.bookinfo.svc.cluster.local", "v2");
        var newer = ReviewsTo("aa-newer", "bookinfo", "reviews", "v1");

        Assert.Equal("v2", SubsetOfReviews(older, newer));
        Assert.Equal("v1", SubsetOfReviews(newer, older));
    }

    [Fact]
    public void An_exact_host_wins_over_a_wildcard_and_a_longer_wildcard_over_a_shorter_one()
    {
        var everything = ReviewsTo("everything", "bookinfo", "*.svc.cluster.local", "v1");
        var bookinfo = ReviewsTo("bookinfo-wide", "bookinfo", "*.bookinfo.svc.cluster.local", "v2");
        var exact = ReviewsTo("exact", "other", "reviews.bookinfo.svc.cluster.local", "v3");

        Assert.Equal("v3", SubsetOfReviews(everything, bookinfo, exact));
        Assert.Equal("v2", SubsetOfReviews(everything, bookinfo));
    }

    [Fact]
    public void A_virtual_service_exported_to_the_clients_namespace_wins_over_a_public_one()
    {
        var olderPublic = ReviewsTo("public", "other", "reviews.bookinfo.svc.cluster.local", "v2");
        var toBookinfo = ReviewsTo("to-bookinfo", "third", "reviews.bookinfo.svc.cluster.local", "v3", "  exportTo: [bookinfo]");
        var privateOne = ReviewsTo("private", "bookinfo", "reviews", "v1", "  exportTo: [\".\"]");

        Assert.Equal("v3", SubsetOfReviews(olderPublic, toBookinfo));
        Assert.Equal("v1", SubsetOfReviews(olderPublic, toBookinfo, privateOne));
    }
}
