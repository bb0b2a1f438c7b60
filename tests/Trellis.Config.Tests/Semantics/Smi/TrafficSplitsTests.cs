using Trellis.Config.Model.Networking;
using Trellis.Config.Semantics.Smi;

namespace Trellis.Config.Tests.Semantics.Smi;

/// <summary>SMI TrafficSplits become a VirtualService for the apex Service that shares its HTTP and TCP traffic by weight.</summary>
public class TrafficSplitsTests
{
    private static string Split(string version, string backends) => $"""
        apiVersion: split.smi-spec.io/{version}
        kind: TrafficSplit
        metadata: {"{"}name: reviews-canary, namespace: production{"}"}
        spec:
          service: reviews
          backends:
        {backends}
        """;

    private static VirtualServiceSpec Converted(string yaml)
    {
        var result = Load.Text(yaml);
        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        var vs = Assert.Single(TrafficSplits.Convert(result.Resources), r => r.Kind == "VirtualService");
        Assert.Equal(("trafficsplit-reviews-canary", "production"), (vs.Metadata.Name, vs.Metadata.Namespace));
        return vs.SpecAs<VirtualServiceSpec>()!;
    }

    [Fact]
    public void The_seeds_canary_split_shares_the_apex_services_traffic_900_to_100()
    {
        var vs = Converted(Split("v1alpha4", "  - {service: reviews-v1, weight: 900}\n  - {service: reviews-v2, weight: 100}"));

        Assert.Equal(["reviews"], vs.Hosts);
        Assert.Equal([("reviews-v1", 900), ("reviews-v2", 100)], vs.Http![0].Route!.Select(r => (r.Destination!.Host!, r.Weight!.Value)));
        Assert.Equal([("reviews-v1", 900), ("reviews-v2", 100)], vs.Tcp![0].Route!.Select(r => (r.Destination!.Host!, r.Weight!.Value)));
    }

    [Fact]
    public void Quantities_of_v1alpha1_keep_their_proportions_and_a_zero_weight_backend_gets_nothing()
    {
        var vs = Converted(Split("v1alpha1", "  - {service: reviews-v1, weight: 500m}\n  - {service: reviews-v2, weight: 1}\n  - {service: reviews-v3, weight: 0}"));

        Assert.Equal([("reviews-v1", 500), ("reviews-v2", 1000)], vs.Http![0].Route!.Select(r => (r.Destination!.Host!, r.Weight!.Value)));
    }

    [Theory]
    [InlineData("  - {service: reviews-v1}", "spec.backends[0].weight")]
    [InlineData("  - {service: reviews-v1, weight: lots}", "spec.backends[0].weight")]
    [InlineData("  - {weight: 10}", "spec.backends[0].service")]
    public void A_backend_needs_a_service_and_a_weight(string backends, string field) =>
        Assert.Equal(field, Load.SingleError(Split("v1alpha2", backends)).FieldPath);
}
