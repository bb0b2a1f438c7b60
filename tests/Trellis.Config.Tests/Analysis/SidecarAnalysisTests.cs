namespace Trellis.Config.Tests.Analysis;

/// <summary>analyze reports the Sidecar mistakes istioctl's analyzers report: several selector-less Sidecars in a
/// namespace (IST0111), several Sidecars selecting one workload (IST0110), and a selector that matches nothing.</summary>
public class SidecarAnalysisTests
{
    private const string Productpage = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: productpage-v1, namespace: bookinfo}
        spec:
          selector: {matchLabels: {app: productpage}}
          template:
            metadata: {labels: {app: productpage, version: v1}}
            spec:
              containers: [{name: productpage, image: productpage}]
        ---

        """;

    private static string Sidecar(string name, string selector = "") => $$"""
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata: {name: {{name}}, namespace: bookinfo}
        spec:
        {{selector}}
          egress:
          - hosts: ["./*"]
        ---

        """;

    private static IReadOnlyList<Diagnostic> Findings(string yaml) =>
        Load.Analyze(yaml).Where(d => d.Code is "IST0110" or "IST0111" or "IST0127").ToList();

    [Fact]
    public void Two_selector_less_sidecars_in_a_namespace_are_both_reported_naming_the_one_in_force()
    {
        var findings = Findings(Productpage + Sidecar("default") + Sidecar("other"));

        Assert.Equal(2, findings.Count);
        Assert.All(findings, f =>
        {
            Assert.Equal(DiagnosticCodes.MultipleSidecarsWithoutWorkloadSelectors, f.Code);
            Assert.Equal(Severity.Warning, f.Severity);
            Assert.Contains("The Sidecars default, other in namespace bookinfo have no workload selector", f.Message);
            Assert.Contains("Trellis applies default.", f.Message);
        });
    }

    [Fact]
    public void Two_sidecars_selecting_one_workload_are_reported()
    {
        var findings = Findings(Productpage + Sidecar("by-app", "  workloadSelector: {labels: {app: productpage}}")
                                            + Sidecar("by-version", "  workloadSelector: {labels: {version: v1}}"));

        Assert.Equal(2, findings.Count);
        Assert.All(findings, f => Assert.Equal(DiagnosticCodes.ConflictingSidecarWorkloadSelectors, f.Code));
        Assert.Contains("select the same workload pods of Deployment productpage-v1", findings[0].Message);
        Assert.Equal("spec.workloadSelector", findings[0].FieldPath);
    }

    [Fact]
    public void A_selector_that_matches_no_workload_is_reported()
    {
        var finding = Assert.Single(Findings(Productpage + Sidecar("typo", "  workloadSelector: {labels: {app: prodpage}}")));

        Assert.Equal(DiagnosticCodes.NoMatchingWorkloadsFound, finding.Code);
        Assert.Contains("app=prodpage", finding.Message);
    }

    [Fact]
    public void One_default_and_one_workload_sidecar_are_fine() =>
        Assert.Empty(Findings(Productpage + Sidecar("default") + Sidecar("pp", "  workloadSelector: {labels: {app: productpage}}")));

    [Fact]
    public void A_selector_without_labels_counts_as_none_and_is_the_one_in_force()
    {
        // As Istio's analyzer groups them; at run time the empty selector wins, as istiod puts selectors first.
        var findings = Load.Analyze(Productpage + Sidecar("default") + Sidecar("everyone", "  workloadSelector: {}"))
            .Where(d => d.Code is "IST0110" or "IST0111" or "IST0127").ToList();

        Assert.Equal(2, findings.Count);
        Assert.All(findings, f =>
        {
            Assert.Equal(DiagnosticCodes.MultipleSidecarsWithoutWorkloadSelectors, f.Code);
            Assert.Contains("The Sidecars default, everyone in namespace bookinfo", f.Message);
            Assert.Contains("Trellis applies everyone.", f.Message);
        });
    }
}
