namespace Trellis.Config.Tests.Analysis;

/// <summary>analyze says which delegated rules route nothing, where istiod drops them without a word.</summary>
public class DelegationAnalysisTests
{
    private static string Vs(string name, string ns, string spec) => $"""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {"{"}name: {name}, namespace: {ns}{"}"}
        spec:
        {spec}
        ---

        """;

    private static readonly string Root = Vs("root", "bookinfo", """
          hosts: [reviews]
          http:
          - match:
            - uri: {prefix: /reviews}
            delegate: {name: reviews-team}
        """);

    private static IReadOnlyList<Diagnostic> Findings(string yaml) => Load.Analyze(yaml).Where(d => d.FieldPath?.EndsWith(".delegate", StringComparison.Ordinal) == true).ToList();

    [Fact]
    public void A_missing_delegate_is_a_referenced_resource_not_found()
    {
        var finding = Assert.Single(Findings(Root));
        Assert.Equal("IST0101", finding.Code);
        Assert.Equal("spec.http[0].delegate", finding.FieldPath);
        Assert.Equal(Severity.Warning, finding.Severity);
    }

    [Fact]
    public void A_delegate_rule_outside_the_roots_match_is_ineffective()
    {
        var finding = Assert.Single(Findings(Root + Vs("reviews-team", "bookinfo", """
              http:
              - match:
                - uri: {prefix: /ratings}
                route:
                - destination: {host: ratings}
            """)));
        Assert.Equal("TRL0114", finding.Code);
    }

    [Fact]
    public void A_delegate_within_the_roots_match_is_fine() =>
        Assert.Empty(Findings(Root + Vs("reviews-team", "bookinfo", """
              http:
              - match:
                - uri: {prefix: /reviews/1}
                route:
                - destination: {host: reviews}
            """)));
}
