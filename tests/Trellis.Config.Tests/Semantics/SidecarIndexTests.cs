using Trellis.Config.Semantics;

namespace Trellis.Config.Tests.Semantics;

/// <summary>A workload's Sidecar is picked as istiod picks it: workload-selected in its namespace, then the namespace
/// default, then the root namespace's default; the oldest wins among several.</summary>
public class SidecarIndexTests
{
    private static readonly Dictionary<string, string> Productpage = new() { ["app"] = "productpage", ["version"] = "v1" };

    private static string Sidecar(string name, string ns, string selector = "") => $$"""
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata: {name: {{name}}, namespace: {{ns}}}
        spec:
        {{selector}}
          egress:
          - hosts: ["./*"]
        ---

        """;

    private static SidecarIndex Index(string yaml) => new(Load.Text(yaml).Resources, "istio-system");

    [Fact]
    public void A_workload_selected_sidecar_wins_over_the_namespace_default_and_the_root_default()
    {
        var index = Index(Sidecar("root", "istio-system") + Sidecar("default", "bookinfo") + Sidecar("pp", "bookinfo", "  workloadSelector: {labels: {app: productpage}}"));

        Assert.Equal("pp", index.For("bookinfo", Productpage)?.Metadata.Name);
        Assert.Equal("default", index.For("bookinfo", new Dictionary<string, string> { ["app"] = "reviews" })?.Metadata.Name);
        Assert.Equal("root", index.For("frontend", Productpage)?.Metadata.Name);
    }

    [Fact]
    public void Without_any_sidecar_none_applies() => Assert.Null(Index(Sidecar("pp", "bookinfo", "  workloadSelector: {labels: {app: other}}")).For("bookinfo", Productpage));

    [Fact]
    public void The_oldest_of_several_matching_sidecars_wins()
    {
        var index = Index(Sidecar("b-older", "bookinfo", "  workloadSelector: {labels: {app: productpage}}") + Sidecar("a-newer", "bookinfo", "  workloadSelector: {labels: {version: v1}}")
                          + Sidecar("first-default", "bookinfo") + Sidecar("second-default", "bookinfo"));

        Assert.Equal("b-older", index.For("bookinfo", Productpage)?.Metadata.Name);
        Assert.Equal("first-default", index.For("bookinfo", new Dictionary<string, string>())?.Metadata.Name);
    }

    [Fact]
    public void A_root_namespace_sidecar_with_a_selector_applies_only_to_root_namespace_workloads()
    {
        var index = Index(Sidecar("gw", "istio-system", "  workloadSelector: {labels: {app: productpage}}"));

        Assert.Null(index.For("bookinfo", Productpage));
        Assert.Equal("gw", index.For("istio-system", Productpage)?.Metadata.Name);
    }
}
