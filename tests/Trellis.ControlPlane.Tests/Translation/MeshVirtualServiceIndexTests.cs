using Trellis.ControlPlane.Translation;

namespace Trellis.ControlPlane.Tests.Translation;

/// <summary>Which mesh-bound VirtualServices claim a service, found through the index by host: short names resolve in
/// the VirtualService's namespace, wildcards match suffixes, a VirtualService bound only to a gateway claims nothing
/// for sidecars, and each claimant comes once, oldest first.</summary>
public class MeshVirtualServiceIndexTests
{
    private static string Vs(string name, string ns, string hosts, string gateways = "") => $$"""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: {{name}}, namespace: {{ns}}}
        spec:
          hosts: [{{hosts}}]
        {{gateways}}
          http:
          - route:
            - destination: {host: reviews.bookinfo.svc.cluster.local}
        """;

    private static string[] Claiming(string fqdn, params string[] yaml) =>
        MeshVirtualServiceIndex.Of(MeshFixture.Bookinfo(yaml)).Claiming(fqdn).Select(r => $"{r.Metadata.Namespace}/{r.Metadata.Name}").ToArray();

    [Fact]
    public void Short_names_resolve_in_the_virtual_services_own_namespace()
    {
        var claimants = Claiming("reviews.bookinfo.svc.cluster.local",
            Vs("here", "bookinfo", "reviews"),
            Vs("elsewhere", "default", "reviews"),
            Vs("qualified", "default", "reviews.bookinfo"));

        Assert.Equal(["bookinfo/here", "default/qualified"], claimants);
    }

    [Fact]
    public void Wildcards_and_exact_hosts_merge_in_creation_order_each_once()
    {
        var claimants = Claiming("Reviews.Bookinfo.svc.cluster.local",
            Vs("suffix", "default", "\"*.bookinfo.svc.cluster.local\""),
            Vs("both", "bookinfo", "reviews, \"*.svc.cluster.local\""),
            Vs("everything", "default", "\"*\""),
            Vs("other", "bookinfo", "ratings"));

        Assert.Equal(["default/suffix", "bookinfo/both", "default/everything"], claimants);
    }

    [Fact]
    public void A_virtual_service_bound_only_to_a_gateway_claims_nothing_for_sidecars()
    {
        var claimants = Claiming("reviews.bookinfo.svc.cluster.local",
            Vs("edge", "bookinfo", "reviews", "  gateways: [bookinfo-gateway]"),
            Vs("edge-and-mesh", "bookinfo", "reviews", "  gateways: [bookinfo-gateway, mesh]"));

        Assert.Equal(["bookinfo/edge-and-mesh"], claimants);
    }
}
