using Trellis.Config.Model.Security;

namespace Trellis.Config.Tests.Validation;

/// <summary>RequestAuthentication is checked field by field as istiod validates it, each finding at its field.</summary>
public class RequestAuthenticationValidationTests
{
    private static string Policy(string rules, string scope = "  selector:\n    matchLabels:\n      app: httpbin") => $"""
        apiVersion: security.istio.io/v1
        kind: RequestAuthentication
        metadata:
          name: jwt
          namespace: foo
        spec:
        {scope}
          jwtRules:
        {rules}
        """;

    private const string Jwks = """{"keys":[{"kty":"RSA","e":"AQAB","n":"0xOb"}]}""";

    [Fact]
    public void A_full_rule_binds_and_is_enforced_without_a_not_yet_enforced_note()
    {
        var result = Load.Text(Policy($$"""
              - issuer: "testing@secure.istio.io"
                audiences: [a, b]
                jwks: '{{Jwks}}'
                fromHeaders:
                - name: x-jwt
                  prefix: "Token "
                fromParams: [token]
                fromCookies: [session]
                forwardOriginalToken: true
                outputPayloadToHeader: x-payload
                outputClaimToHeaders:
                - header: x-sub
                  claim: sub
                timeout: 3s
            """));

        Assert.Empty(result.Diagnostics);
        var spec = Assert.IsType<RequestAuthenticationSpec>(Assert.Single(result.Resources).Spec);
        var rule = Assert.Single(spec.JwtRules!);
        Assert.Equal(["a", "b"], rule.Audiences);
        Assert.Equal("Token ", rule.FromHeaders![0].Prefix);
        Assert.Equal(TimeSpan.FromSeconds(3), rule.Timeout);
    }

    [Fact]
    public void An_audiences_that_is_not_a_list_is_an_error_at_that_field()
    {
        var error = Load.SingleError(Policy("""
              - issuer: x
                audiences: just-one
            """));

        Assert.Equal("spec.jwtRules[0].audiences", error.FieldPath);
    }

    [Fact]
    public void A_misspelt_field_gets_a_suggestion()
    {
        var error = Load.SingleError(Policy("""
              - issuer: x
                jwksUrl: https://example.com/jwks
            """));

        Assert.Contains("jwksUri", error.Message);
    }

    [Theory]
    [InlineData("- audiences: [a]", "spec.jwtRules[0].issuer", "issuer or jwksUri must be non-empty string")]
    [InlineData("- issuer: x\n  jwksUri: ftp://example.com/keys", "spec.jwtRules[0].jwksUri", "scheme must be http or https")]
    [InlineData("- issuer: x\n  jwksUri: not a url", "spec.jwtRules[0].jwksUri", "absolute http or https URL")]
    [InlineData("- issuer: x\n  jwks: '{\"keys\": 3}'", "spec.jwtRules[0].jwks", "jwks parse error: expected a \"keys\" array")]
    [InlineData("- issuer: x\n  jwks: '{not json'", "spec.jwtRules[0].jwks", "jwks parse error: not valid JSON")]
    [InlineData("- issuer: x\n  jwks: '{\"keys\":[{\"n\":\"x\"}]}'", "spec.jwtRules[0].jwks", "key 0 has no \"kty\"")]
    [InlineData("- issuer: x\n  audiences: [\"\"]", "spec.jwtRules[0].audiences[0]", "audience must be non-empty string")]
    [InlineData("- issuer: x\n  fromHeaders:\n  - prefix: a", "spec.jwtRules[0].fromHeaders[0].name", "location header name must be non-empty string")]
    [InlineData("- issuer: x\n  fromParams: [\"\"]", "spec.jwtRules[0].fromParams[0]", "location query must be non-empty string")]
    [InlineData("- issuer: x\n  fromCookies: [\"\"]", "spec.jwtRules[0].fromCookies[0]", "cookie name must be non-empty string")]
    [InlineData("- issuer: x\n  outputClaimToHeaders:\n  - header: x-a", "spec.jwtRules[0].outputClaimToHeaders[0]", "header and claim value must be non-empty string")]
    [InlineData("- issuer: x\n  outputClaimToHeaders:\n  - header: \"bad header\"\n    claim: sub", "spec.jwtRules[0].outputClaimToHeaders[0].header", "not a valid HTTP header name")]
    [InlineData("- issuer: x\n  timeout: 0s", "spec.jwtRules[0].timeout", "at least 1ms")]
    public void Istiod_rejections_are_named_at_their_field(string rule, string field, string message)
    {
        var rules = string.Join("\n", rule.Split('\n').Select(l => "  " + l));
        var error = Load.SingleError(Policy(rules));

        Assert.Equal(field, error.FieldPath);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Selector_and_target_ref_together_are_an_error()
    {
        var error = Load.SingleError(Policy("  - issuer: x", """
              selector:
                matchLabels:
                  app: httpbin
              targetRef:
                kind: Gateway
                group: gateway.networking.k8s.io
                name: gw
            """));

        Assert.Equal("spec.selector", error.FieldPath);
    }

    [Fact]
    public void Both_jwks_and_jwks_uri_warn_that_the_uri_is_ignored_as_istiod_does()
    {
        var result = Load.Text(Policy($$"""
              - issuer: x
                jwksUri: https://example.com/jwks
                jwks: '{{Jwks}}'
            """));

        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal(Severity.Warning, warning.Severity);
        Assert.Equal("spec.jwtRules[0].jwksUri", warning.FieldPath);
    }

    [Fact]
    public void Private_key_material_in_inline_jwks_is_a_warning()
    {
        var result = Load.Text(Policy("""
              - issuer: x
                jwks: '{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}'
            """));

        var warning = Assert.Single(result.Diagnostics);
        Assert.Contains("private key material", warning.Message);
    }
}
