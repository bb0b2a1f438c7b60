using Envoy.Config.Route.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.Config.Model.Networking;

namespace Trellis.ControlPlane.Translation;

/// <summary>Istio's retry semantics: with no `retries` a route still retries twice on connection
/// failures and 503s; `attempts: 0` disables retries.</summary>
internal static class RetryPolicies
{
    private const string DefaultRetryOn = "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes";

    public static RetryPolicy? From(HttpRetry? retries)
    {
        if (retries is { Attempts: 0 }) return null;
        var policy = new RetryPolicy
        {
            RetryOn = retries?.RetryOn ?? DefaultRetryOn,
            NumRetries = (uint)(retries?.Attempts ?? 2),
        };
        if (retries?.RetryOn is null) policy.RetriableStatusCodes.Add(503);
        if (retries?.PerTryTimeout is { } perTry) policy.PerTryTimeout = Duration.FromTimeSpan(perTry);
        return policy;
    }
}
