namespace Trellis.Config.Tests.Validation;

/// <summary>exportTo on VirtualService, DestinationRule and ServiceEntry follows Istio's validateExportTo; the Service
/// annotation is checked the same way, as a warning, since Kubernetes accepts any annotation.</summary>
public class ExportToValidationTests
{
    private static string VirtualService(string exportTo) => $"""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {"{"}name: reviews, namespace: bookinfo{"}"}
        spec:
          hosts: [reviews]
          exportTo: {exportTo}
          http:
          - route:
            - destination: {"{"}host: reviews{"}"}
        """;

    [Theory]
    [InlineData("[\".\"]")]
    [InlineData("[\"*\"]")]
    [InlineData("[\".\", frontend]")]
    public void Namespaces_dot_and_star_are_valid(string exportTo) => Assert.Empty(Load.Errors(VirtualService(exportTo)));

    [Theory]
    [InlineData("[\"*\", frontend]", "spec.exportTo", "cannot be listed with other entries")]
    [InlineData("[\".\", bookinfo]", "spec.exportTo[1]", "\".\" and the current namespace \"bookinfo\" are the same")]
    [InlineData("[frontend, frontend]", "spec.exportTo[1]", "duplicate entry \"frontend\"")]
    [InlineData("[\"~\"]", "spec.exportTo[0]", "only allowed in a ServiceEntry")]
    [InlineData("[Frontend]", "spec.exportTo[0]", "must be \".\", \"*\" or a namespace")]
    public void Bad_entries_are_refused_at_their_position(string exportTo, string field, string message)
    {
        var error = Load.SingleError(VirtualService(exportTo));

        Assert.Equal(field, error.FieldPath);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void A_service_entry_may_be_exported_to_no_namespace_but_not_to_none_and_some()
    {
        var entry = """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: ledger, namespace: bookinfo}
            spec:
              hosts: [ledger.example.com]
              ports: [{number: 443, name: tls, protocol: TLS}]
              exportTo: ["~"]
            """;

        Assert.Empty(Load.Errors(entry));
        Assert.Contains("no namespace", Load.SingleError(entry.Replace("[\"~\"]", "[\"~\", \".\"]")).Message);
    }

    [Fact]
    public void A_destination_rule_with_a_workload_selector_stays_in_its_namespace()
    {
        var rule = """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: reviews, namespace: bookinfo}
            spec:
              host: reviews
              workloadSelector: {matchLabels: {app: productpage}}
              exportTo: ["*"]
            """;

        Assert.Contains("only be exported to its own namespace", Load.SingleError(rule).Message);
        Assert.Empty(Load.Errors(rule.Replace("[\"*\"]", "[\".\"]")));
    }

    [Fact]
    public void A_bad_service_annotation_is_a_warning_at_the_annotation()
    {
        var result = Load.Text("""
            apiVersion: v1
            kind: Service
            metadata:
              name: details
              namespace: bookinfo
              annotations: {networking.istio.io/exportTo: "., *"}
            spec:
              ports: [{port: 9080, name: http}]
              selector: {app: details}
            """);

        Assert.False(result.HasErrors);
        var warning = Assert.Single(result.Diagnostics, d => d.Severity == Severity.Warning);
        Assert.Equal("metadata.annotations[networking.istio.io/exportTo]", warning.FieldPath);
        Assert.Contains("cannot be listed with other entries", warning.Message);
    }
}
