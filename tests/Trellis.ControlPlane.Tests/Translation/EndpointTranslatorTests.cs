using Trellis.ControlPlane.Translation;

namespace Trellis.ControlPlane.Tests.Translation;

/// <summary>EDS as istiod sends it, which gRPC clients insist on: every locality is set and weighted.</summary>
public sealed class EndpointTranslatorTests
{
    [Fact]
    public void Every_locality_carries_a_locality_and_the_weight_of_its_endpoints()
    {
        var assignments = EndpointTranslator.Outbound(MeshFixture.Bookinfo(), MeshFixture.BookinfoClient).ToDictionary(a => a.ClusterName);

        Assert.All(assignments.Values.SelectMany(a => a.Endpoints), locality =>
        {
            Assert.NotNull(locality.Locality);
            Assert.Equal((uint)locality.LbEndpoints.Count, locality.LoadBalancingWeight);
        });
        var reviews = Assert.Single(assignments["outbound|9080||reviews.bookinfo.svc.cluster.local"].Endpoints);
        Assert.Equal(3u, reviews.LoadBalancingWeight);
    }

    [Fact]
    public void A_subset_without_pods_has_no_locality_at_all()
    {
        var mesh = MeshFixture.Bookinfo(MeshFixture.ReviewsRule("", "  - {name: v9, labels: {version: v9}}"));
        var empty = EndpointTranslator.Outbound(mesh, MeshFixture.BookinfoClient).Single(a => a.ClusterName == "outbound|9080|v9|reviews.bookinfo.svc.cluster.local");
        Assert.Empty(empty.Endpoints);
    }
}
