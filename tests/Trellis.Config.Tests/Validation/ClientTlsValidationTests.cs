namespace Trellis.Config.Tests.Validation;

/// <summary>A DestinationRule's tls settings are validated as Istio's validateTLS does, and enforced (no TRL0006).</summary>
public class ClientTlsValidationTests
{
    private static string Rule(string tls) => $"""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: reviews
        spec:
          host: reviews
          trafficPolicy:
            tls:
        {tls}
        """;

    [Theory]
    [InlineData("      mode: ISTIO_MUTUAL")]
    [InlineData("      mode: DISABLE")]
    [InlineData("      mode: SIMPLE\n      sni: reviews.example.com\n      caCertificates: /etc/certs/ca.pem")]
    [InlineData("      mode: MUTUAL\n      clientCertificate: /c.pem\n      privateKey: /k.pem\n      caCertificates: /ca.pem")]
    [InlineData("      mode: MUTUAL\n      credentialName: reviews-client")]
    [InlineData("      mode: SIMPLE\n      insecureSkipVerify: true")]
    public void Documented_settings_are_valid_and_enforced(string tls)
    {
        var result = Load.Text(Rule(tls));

        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        Assert.DoesNotContain(result.Diagnostics, d => d.Code == "TRL0006");
    }

    [Fact]
    public void Mutual_without_a_client_certificate_names_both_missing_fields()
    {
        var errors = Load.Errors(Rule("      mode: MUTUAL\n      caCertificates: /ca.pem"));

        Assert.Equal(["spec.trafficPolicy.tls.clientCertificate", "spec.trafficPolicy.tls.privateKey"], errors.Select(e => e.FieldPath));
    }

    [Fact]
    public void A_credential_name_cannot_be_combined_with_files()
    {
        var error = Load.SingleError(Rule("      mode: SIMPLE\n      credentialName: reviews\n      caCertificates: /ca.pem"));

        Assert.Equal("spec.trafficPolicy.tls.credentialName", error.FieldPath);
    }

    [Fact]
    public void Skipping_verification_while_naming_a_ca_is_contradictory()
    {
        var error = Load.SingleError(Rule("      mode: SIMPLE\n      insecureSkipVerify: true\n      caCertificates: /ca.pem"));

        Assert.Equal("spec.trafficPolicy.tls.insecureSkipVerify", error.FieldPath);
    }

    [Fact]
    public void A_missing_mode_is_an_error() =>
        Assert.Equal("spec.trafficPolicy.tls.mode", Load.SingleError(Rule("      sni: reviews")).FieldPath);

    [Fact]
    public void A_misspelt_mode_is_refused_with_a_suggestion() =>
        Assert.Contains("did you mean \"ISTIO_MUTUAL\"", Load.SingleError(Rule("      mode: ISTIO_MUTAL")).Message);

    [Fact]
    public void Certificates_under_istio_mutual_are_reported_as_ignored()
    {
        var result = Load.Text(Rule("      mode: ISTIO_MUTUAL\n      clientCertificate: /c.pem"));

        var warning = Assert.Single(result.Diagnostics, d => d.Severity == Severity.Warning);
        Assert.Equal("spec.trafficPolicy.tls.clientCertificate", warning.FieldPath);
    }

    [Fact]
    public void Port_level_and_subset_tls_are_validated_too()
    {
        var errors = Load.Errors("""
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: reviews}
            spec:
              host: reviews
              trafficPolicy:
                portLevelSettings:
                - port: {number: 9080}
                  tls: {mode: MUTUAL}
              subsets:
              - name: v1
                labels: {version: v1}
                trafficPolicy:
                  tls: {mode: MUTUAL, credentialName: x, privateKey: /k.pem}
            """);

        Assert.Equal([
            "spec.trafficPolicy.portLevelSettings[0].tls.clientCertificate",
            "spec.trafficPolicy.portLevelSettings[0].tls.privateKey",
            "spec.subsets[0].trafficPolicy.tls.credentialName",
        ], errors.Select(e => e.FieldPath));
    }
}
