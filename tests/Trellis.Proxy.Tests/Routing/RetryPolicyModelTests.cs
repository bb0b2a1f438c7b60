using Envoy.Config.Route.V3;
using Trellis.Config.Validation;
using Trellis.Proxy.Routing;

namespace Trellis.Proxy.Tests.Routing;

/// <summary>The router retries on exactly the conditions that validation calls enforced, so a condition it
/// ignores is always reported as not yet enforced (TRL0006) and never dropped silently.</summary>
public sealed class RetryPolicyModelTests
{
    public static TheoryData<string> Enforced() => [.. RetryOnConditions.Enforced];

    public static TheoryData<string> NotEnforced() =>
        [.. RetryOnConditions.Http.Concat(RetryOnConditions.Grpc).Where(c => !RetryOnConditions.Enforced.Contains(c))];

    private static bool RetriesAnything(string condition)
    {
        var model = RetryPolicyModel.From(new RetryPolicy { RetryOn = condition, NumRetries = 1, RetriableStatusCodes = { 503 } })!;
        return model.RetriesConnectFailure
               || Enumerable.Range(400, 200).Any(status => model.RetriesStatus(status, null))
               || Enumerable.Range(0, 17).Any(grpc => model.RetriesStatus(200, grpc));
    }

    [Theory]
    [MemberData(nameof(Enforced))]
    public void An_enforced_condition_makes_the_router_retry(string condition) => Assert.True(RetriesAnything(condition));

    [Theory]
    [MemberData(nameof(NotEnforced))]
    public void A_condition_reported_as_not_enforced_retries_nothing(string condition) => Assert.False(RetriesAnything(condition));
}
