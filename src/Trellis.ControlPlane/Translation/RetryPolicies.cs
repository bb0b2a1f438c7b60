using Envoy.Config.Route.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.Config.Model.Networking;
using Trellis.Config.Validation;

namespace Trellis.ControlPlane.Translation;

/// <summary>Istio's retry semantics (ConvertPolicy): without `retryOn` a route retries on connection failures
/// and 503s, twice when `retries` is absent; zero or unset `attempts` disables retries; a bare status code in
/// `retryOn` (e.g. "503") becomes a retriable status code.</summary>
internal static class RetryPolicies
{
    private const string DefaultRetryOn = "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes";
    private const string RetriableStatusCodes = "retriable-status-codes";

    public static RetryPolicy? From(HttpRetry? retries)
    {
        if (retries is null)
            return new RetryPolicy { RetryOn = DefaultRetryOn, NumRetries = 2, RetriableStatusCodes = { 503 } };
        if (retries.Attempts is not > 0) return null;
        var policy = new RetryPolicy { RetryOn = DefaultRetryOn, NumRetries = (uint)retries.Attempts.Value };
        if (string.IsNullOrEmpty(retries.RetryOn)) policy.RetriableStatusCodes.Add(503);
        else
        {
            var conditions = new List<string>();
            foreach (var token in retries.RetryOn.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (RetryOnConditions.IsStatusCode(token, out var code)) policy.RetriableStatusCodes.Add((uint)code);
                else conditions.Add(token);
            }
            if (policy.RetriableStatusCodes.Count > 0 && !conditions.Contains(RetriableStatusCodes)) conditions.Add(RetriableStatusCodes);
            policy.RetryOn = string.Join(',', conditions);
        }
        if (retries.PerTryTimeout is { } perTry) policy.PerTryTimeout = Duration.FromTimeSpan(perTry);
        return policy;
    }
}
