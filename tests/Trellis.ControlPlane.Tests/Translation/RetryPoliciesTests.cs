using Trellis.Config.Model.Networking;
using Trellis.ControlPlane.Translation;

namespace Trellis.ControlPlane.Tests.Translation;

/// <summary>VirtualService retries become Envoy retry policies as Istio converts them.</summary>
public sealed class RetryPoliciesTests
{
    [Fact]
    public void Bare_status_codes_become_retriable_status_codes()
    {
        var policy = RetryPolicies.From(new HttpRetry { Attempts = 3, RetryOn = "gateway-error,503,429" })!;

        Assert.Equal("gateway-error,retriable-status-codes", policy.RetryOn);
        Assert.Equal([503u, 429u], policy.RetriableStatusCodes);
        Assert.Equal(3u, policy.NumRetries);
    }

    [Fact]
    public void Status_codes_beside_an_explicit_retriable_status_codes_are_not_doubled()
    {
        var policy = RetryPolicies.From(new HttpRetry { Attempts = 1, RetryOn = "retriable-status-codes,503" })!;

        Assert.Equal("retriable-status-codes", policy.RetryOn);
        Assert.Equal([503u], policy.RetriableStatusCodes);
    }

    [Fact]
    public void Conditions_without_codes_pass_through_unchanged()
    {
        var policy = RetryPolicies.From(new HttpRetry { Attempts = 2, RetryOn = "5xx,connect-failure" })!;

        Assert.Equal("5xx,connect-failure", policy.RetryOn);
        Assert.Empty(policy.RetriableStatusCodes);
    }

    [Fact]
    public void Zero_or_unset_attempts_disable_retries()
    {
        Assert.Null(RetryPolicies.From(new HttpRetry { Attempts = 0 }));
        Assert.Null(RetryPolicies.From(new HttpRetry()));
    }

    [Fact]
    public void Without_retries_a_route_retries_twice_on_connection_failures_and_503()
    {
        var policy = RetryPolicies.From(null)!;

        Assert.Equal(2u, policy.NumRetries);
        Assert.Contains("connect-failure", policy.RetryOn);
        Assert.Equal([503u], policy.RetriableStatusCodes);
    }
}
