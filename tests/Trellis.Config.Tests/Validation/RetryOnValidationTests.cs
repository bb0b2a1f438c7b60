namespace Trellis.Config.Tests.Validation;

/// <summary>retries.retryOn as Istio validates it: Envoy retry conditions and HTTP status codes; a condition
/// the proxy does not act on is reported as not yet enforced, never dropped silently.</summary>
public class RetryOnValidationTests
{
    private static string Vs(string retries) => $$"""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: bookinfo}
        spec:
          hosts: [reviews]
          http:
          - route:
            - destination: {host: reviews}
            retries: {{retries}}
        """;

    private static IReadOnlyList<Diagnostic> Findings(string retries) =>
        Load.Text(Vs(retries)).Diagnostics.Where(d => d.Severity != Severity.Info || d.Code == "TRL0006").ToList();

    [Theory]
    [InlineData("5xx,gateway-error,connect-failure")]
    [InlineData("reset,refused-stream,retriable-status-codes")]
    [InlineData("cancelled,deadline-exceeded,internal,resource-exhausted,unavailable")]
    [InlineData("503")]
    [InlineData("connect-failure,502,504")]
    public void Conditions_the_proxy_enforces_and_status_codes_are_accepted_silently(string retryOn) =>
        Assert.Empty(Findings($"{{attempts: 3, retryOn: \"{retryOn}\"}}"));

    [Fact]
    public void An_unknown_condition_is_an_error_with_a_suggestion()
    {
        var error = Assert.Single(Findings("{attempts: 3, retryOn: \"5xx,gateway-eror\"}"));

        Assert.Equal(Severity.Error, error.Severity);
        Assert.Equal("IST0106", error.Code);
        Assert.Equal("spec.http[0].retries.retryOn", error.FieldPath);
        Assert.Equal("\"gateway-eror\" is not a valid retryOn policy (an Envoy retry condition or an HTTP status code); did you mean \"gateway-error\"?", error.Message);
    }

    [Theory]
    [InlineData("600")]
    [InlineData("")]
    [InlineData("5xx,")]
    public void A_number_that_is_no_status_code_and_an_empty_condition_are_errors(string retryOn) =>
        Assert.Contains(Findings($"{{attempts: 3, retryOn: \"{retryOn}\"}}"), d => d.Severity == Severity.Error && d.FieldPath == "spec.http[0].retries.retryOn");

    [Fact]
    public void Spaces_after_commas_are_an_error_that_says_so()
    {
        var error = Assert.Single(Findings("{attempts: 3, retryOn: \"5xx, reset\"}"));

        Assert.EndsWith("; write the conditions separated by commas without spaces", error.Message);
    }

    [Theory]
    [InlineData("retriable-4xx")]
    [InlineData("reset-before-request")]
    [InlineData("retriable-headers")]
    [InlineData("envoy-ratelimited")]
    [InlineData("http3-post-connect-failure")]
    public void A_known_condition_the_proxy_does_not_retry_on_is_noted_as_not_yet_enforced(string condition)
    {
        var note = Assert.Single(Findings($"{{attempts: 3, retryOn: \"5xx,{condition}\"}}"));

        Assert.Equal(Severity.Info, note.Severity);
        Assert.Equal("TRL0006", note.Code);
        Assert.Equal("spec.http[0].retries.retryOn", note.FieldPath);
        Assert.Contains($"\"{condition}\"", note.Message);
    }

    [Theory]
    [InlineData("{attempts: 3, backoff: 50ms}", "spec.http[0].retries.backoff")]
    [InlineData("{attempts: 3, retryRemoteLocalities: true}", "spec.http[0].retries.retryRemoteLocalities")]
    [InlineData("{attempts: 3, retryIgnorePreviousHosts: false}", "spec.http[0].retries.retryIgnorePreviousHosts")]
    public void Retry_settings_the_proxy_ignores_are_noted(string retries, string field) =>
        Assert.Equal(field, Assert.Single(Findings(retries), d => d.Code == "TRL0006").FieldPath);

    [Theory]
    [InlineData("{retryOn: 5xx}")]
    [InlineData("{attempts: 0, perTryTimeout: 2s}")]
    public void Settings_on_a_policy_without_attempts_are_an_error_as_in_Istio(string retries)
    {
        var error = Assert.Single(Findings(retries), d => d.Severity == Severity.Error);

        Assert.Equal("spec.http[0].retries.attempts", error.FieldPath);
    }

    [Fact]
    public void Attempts_zero_alone_disables_retries_without_a_finding() => Assert.Empty(Findings("{attempts: 0}"));
}
