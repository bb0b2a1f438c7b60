namespace Trellis.Config.Tests.Analysis;

/// <summary>analyze points at PeerAuthentications that never take effect, as istiod would compose them.</summary>
public class PeerAuthenticationAnalysisTests
{
    private const string Deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: reviews, namespace: bookinfo}
        spec:
          selector: {matchLabels: {app: reviews}}
          template:
            metadata: {labels: {app: reviews}}
            spec:
              containers: [{name: reviews, image: reviews}]
        ---

        """;

    private static string Pa(string name, string ns, string spec) => $"""
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {"{"}name: {name}, namespace: {ns}{"}"}
        spec:
        {spec}
        ---

        """;

    private static IReadOnlyList<Diagnostic> Findings(string yaml) =>
        Load.Analyze(yaml).Where(d => d.Code is "TRL0113" or "IST0127").ToList();

    [Fact]
    public void A_second_mesh_wide_policy_is_reported_as_ignored()
    {
        var finding = Assert.Single(Findings(Pa("first", "istio-system", "  mtls: {mode: STRICT}") + Pa("second", "istio-system", "  mtls: {mode: PERMISSIVE}")));

        Assert.Equal("TRL0113", finding.Code);
        Assert.Contains("second", finding.ObjectRef);
        Assert.Contains("istio-system/first takes precedence", finding.Message);
    }

    [Fact]
    public void A_second_namespace_wide_policy_is_reported_as_ignored() =>
        Assert.Contains("bookinfo/a takes precedence", Assert.Single(Findings(Pa("a", "bookinfo", "  mtls: {mode: STRICT}") + Pa("b", "bookinfo", "  {}"))).Message);

    [Fact]
    public void Two_workload_policies_for_the_same_pods_report_the_newer()
    {
        var selector = "  selector: {matchLabels: {app: reviews}}\n  mtls: {mode: STRICT}";
        var finding = Assert.Single(Findings(Deployment + Pa("a", "bookinfo", selector) + Pa("b", "bookinfo", selector)));

        Assert.Contains("PeerAuthentication bookinfo/b", finding.ObjectRef);
    }

    [Fact]
    public void A_selector_that_selects_no_workload_is_reported()
    {
        var finding = Assert.Single(Findings(Deployment + Pa("ratings", "bookinfo", "  selector: {matchLabels: {app: ratings}}\n  mtls: {mode: STRICT}")));

        Assert.Equal("IST0127", finding.Code);
        Assert.Equal("spec.selector.matchLabels", finding.FieldPath);
        Assert.Contains("app=ratings", finding.Message);
    }

    [Fact]
    public void A_selector_in_the_root_namespace_is_reported_as_ignored() =>
        Assert.Contains("root namespace", Assert.Single(Findings(Pa("x", "istio-system", "  selector: {matchLabels: {app: reviews}}"))).Message);

    [Fact]
    public void One_policy_per_scope_that_selects_a_workload_is_clean() =>
        Assert.Empty(Findings(Deployment + Pa("mesh", "istio-system", "  mtls: {mode: STRICT}") + Pa("ns", "bookinfo", "  mtls: {mode: PERMISSIVE}")
                              + Pa("reviews", "bookinfo", "  selector: {matchLabels: {app: reviews}}\n  mtls: {mode: DISABLE}")));
}
