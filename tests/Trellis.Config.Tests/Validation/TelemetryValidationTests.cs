namespace Trellis.Config.Tests.Validation;

/// <summary>Telemetry is validated with positions as Istio validates it; what Trellis does not act on yet is reported
/// (TRL0006) at the field that sets it, never silently accepted.</summary>
public class TelemetryValidationTests
{
    private static string Telemetry(string spec, string ns = "production") => $"""
        apiVersion: telemetry.istio.io/v1alpha1
        kind: Telemetry
        metadata:
          name: telemetry
          namespace: {ns}
        spec:
        {spec}
        """;

    [Fact]
    public void The_seeds_dimensions_field_is_an_error_with_a_suggestion()
    {
        var result = Load.Text(Telemetry("""
              metrics:
              - providers:
                - name: prometheus
                dimensions:
                - request.path
            """));

        var error = Assert.Single(result.Diagnostics, d => d.Severity == Severity.Error);
        Assert.Equal("spec.metrics[0].dimensions", error.FieldPath);
        Assert.Contains("unknown field \"dimensions\"", error.Message);
    }

    [Fact]
    public void Access_logging_tracing_and_metric_overrides_are_enforced()
    {
        var result = Load.Text(Telemetry("""
              accessLogging:
              - providers: [{name: envoy}]
                filter: {expression: "response.code >= 400"}
              tracing:
              - randomSamplingPercentage: 10.0
              metrics:
              - overrides:
                - match: {metric: REQUEST_COUNT, mode: CLIENT_AND_SERVER}
                  tagOverrides:
                    request_host: {operation: UPSERT, value: "request.host"}
            """, ns: "istio-system"));

        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        Assert.True(Assert.Single(result.Resources).IsEnforced);
        Assert.DoesNotContain(result.Diagnostics, d => d.Code == "TRL0006");
    }

    [Theory]
    [InlineData("tracing:\n  - randomSamplingPercentage: 120", "spec.tracing[0].randomSamplingPercentage")]
    [InlineData("tracing:\n  - customTags: {team: {}}", "spec.tracing[0].customTags.team")]
    [InlineData("metrics:\n  - overrides:\n    - tagOverrides:\n        x: {operation: REMOVE, value: request.host}", "spec.metrics[0].overrides[0].tagOverrides.x.value")]
    [InlineData("metrics:\n  - overrides:\n    - tagOverrides:\n        x: {operation: UPSERT}", "spec.metrics[0].overrides[0].tagOverrides.x.value")]
    [InlineData("accessLogging:\n  - filter: {expression: \"\"}", "spec.accessLogging[0].filter.expression")]
    [InlineData("metrics:\n  - overrides:\n    - tagOverrides:\n        x: {value: \"request.host ==\"}", "spec.metrics[0].overrides[0].tagOverrides.x.value")]
    [InlineData("accessLogging:\n  - filter: {expression: \"response.code >=\"}", "spec.accessLogging[0].filter.expression")]
    [InlineData("accessLogging:\n  - filter: {expression: \"reponse.code >= 400\"}", "spec.accessLogging[0].filter.expression")]
    [InlineData("accessLogging:\n  - filter: {expression: \"((((((((((((((((((((((((((((((((((1))))))))))))))))))))))))))))))))))\"}", "spec.accessLogging[0].filter.expression")]
    public void Invalid_values_are_errors_at_their_field(string spec, string field)
    {
        var result = Load.Text(Telemetry("  " + spec));

        Assert.Contains(result.Diagnostics, d => d.Severity == Severity.Error && d.FieldPath == field);
    }

    [Fact]
    public void A_provider_the_mesh_config_does_not_declare_is_a_warning_that_the_rule_does_nothing()
    {
        var findings = Load.Analyze(Telemetry("""
              tracing:
              - providers: [{name: jaeger}]
              accessLogging:
              - providers: [{name: envoy}]
            """));

        var warning = Assert.Single(findings, d => d.Severity == Severity.Warning);
        Assert.Equal("spec.tracing[0].providers[0].name", warning.FieldPath);
        Assert.Contains("unknown provider \"jaeger\"", warning.Message);
    }
}
