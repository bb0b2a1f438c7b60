namespace Trellis.Config.Tests.Validation;

/// <summary>PeerAuthentication is validated field by field, with positions, as Istio validates it.</summary>
public class PeerAuthenticationValidationTests
{
    private static string Policy(string spec, string ns = "bookinfo") => $"""
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata:
          name: policy
          namespace: {ns}
        spec:
        {spec}
        """;

    [Fact]
    public void A_workload_policy_with_port_level_modes_is_valid_and_enforced()
    {
        var result = Load.Text(Policy("""
              selector:
                matchLabels: {app: reviews}
              mtls: {mode: STRICT}
              portLevelMtls:
                9080: {mode: PERMISSIVE}
                9090: {mode: UNSET}
            """));

        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        Assert.DoesNotContain(result.Diagnostics, d => d.Code == "TRL0006");
        Assert.True(Assert.Single(result.Resources).IsEnforced);
    }

    [Fact]
    public void An_empty_spec_is_a_namespace_wide_policy_that_inherits() =>
        Assert.Empty(Load.Errors(Policy("  {}")));

    [Fact]
    public void A_misspelt_mode_is_refused_with_a_suggestion()
    {
        var error = Load.SingleError(Policy("  mtls: {mode: STRICTT}"));

        Assert.Equal("spec.mtls.mode", error.FieldPath);
        Assert.Contains("invalid value \"STRICTT\"", error.Message);
        Assert.Contains("did you mean \"STRICT\"", error.Message);
        Assert.Equal(7, error.Line);
    }

    [Fact]
    public void A_lower_case_mode_is_refused() =>
        Assert.Equal("spec.mtls.mode", Load.SingleError(Policy("  mtls: {mode: strict}")).FieldPath);

    [Fact]
    public void Port_level_modes_need_a_workload_selector()
    {
        var error = Load.SingleError(Policy("""
              mtls: {mode: STRICT}
              portLevelMtls:
                9080: {mode: DISABLE}
            """));

        Assert.Equal("spec.portLevelMtls", error.FieldPath);
        Assert.Contains("cannot have portLevelMtls", error.Message);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("0")]
    [InlineData("70000")]
    [InlineData("-1")]
    public void A_port_level_key_must_be_a_port_number(string key)
    {
        var error = Load.SingleError(Policy($"""
              selector:
                matchLabels: {"{"}app: reviews{"}"}
              portLevelMtls:
                "{key}": {"{"}mode: DISABLE{"}"}
            """));

        Assert.StartsWith("spec.portLevelMtls", error.FieldPath);
        Assert.Contains("is not a port number", error.Message);
    }

    [Fact]
    public void An_unknown_field_is_refused_with_a_suggestion()
    {
        var error = Load.SingleError(Policy("  mtsl: {mode: STRICT}"));

        Assert.Equal("spec.mtsl", error.FieldPath);
        Assert.Contains("did you mean \"mtls\"", error.Message);
    }

    [Fact]
    public void Selecting_by_labels_instead_of_match_labels_is_refused()
    {
        var error = Load.SingleError(Policy("""
              selector:
                labels: {app: reviews}
            """));

        Assert.Equal("spec.selector.labels", error.FieldPath);
        Assert.Contains("matchLabels", error.Message);
    }

    [Fact]
    public void A_bad_selector_label_is_refused() =>
        Assert.Equal("spec.selector.matchLabels[app/x/y]", Load.SingleError(Policy("""
              selector:
                matchLabels: {"app/x/y": reviews}
            """)).FieldPath);
}
