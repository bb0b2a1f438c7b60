using System.Globalization;

namespace Trellis.Config.Validation;

/// <summary>The tokens of a VirtualService's <c>retries.retryOn</c>, as Istio accepts them: Envoy's
/// x-envoy-retry-on and x-envoy-retry-grpc-on conditions, and bare HTTP status codes.</summary>
public static class RetryOnConditions
{
    /// <summary>Envoy's x-envoy-retry-on conditions.</summary>
    public static readonly IReadOnlySet<string> Http = new HashSet<string>(StringComparer.Ordinal)
    {
        "5xx", "gateway-error", "reset", "reset-before-request", "connect-failure", "retriable-4xx", "refused-stream",
        "retriable-status-codes", "retriable-headers", "envoy-ratelimited", "http3-post-connect-failure",
    };

    /// <summary>Envoy's x-envoy-retry-grpc-on conditions.</summary>
    public static readonly IReadOnlySet<string> Grpc = new HashSet<string>(StringComparer.Ordinal)
    {
        "cancelled", "deadline-exceeded", "internal", "resource-exhausted", "unavailable",
    };

    /// <summary>The conditions the Trellis proxy retries on (Trellis.Proxy's RetryPolicyModel); status codes are
    /// turned into retriable-status-codes by the control plane, as Istio does.</summary>
    public static readonly IReadOnlySet<string> Enforced = new HashSet<string>(StringComparer.Ordinal)
    {
        "5xx", "gateway-error", "reset", "connect-failure", "refused-stream", "retriable-status-codes",
        "cancelled", "deadline-exceeded", "internal", "resource-exhausted", "unavailable",
    };

    // The codes Go's http.StatusText names: Istio takes a token as a status code when it is one of these.
    private static readonly HashSet<int> StatusCodes =
    [
        100, 101, 102, 103,
        200, 201, 202, 203, 204, 205, 206, 207, 208, 226,
        300, 301, 302, 303, 304, 305, 307, 308,
        400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418,
        421, 422, 423, 424, 425, 426, 428, 429, 431, 451,
        500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
    ];

    /// <summary>The tokens of a retryOn value, split on commas as Istio splits them (no trimming).</summary>
    public static IReadOnlyList<string> Tokens(string retryOn) => retryOn.Split(',');

    /// <summary>A known HTTP status code written as a retryOn token, e.g. <c>503</c>.</summary>
    public static bool IsStatusCode(string token, out int code) =>
        int.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out code) && StatusCodes.Contains(code);

    /// <summary>True when Istio accepts the token.</summary>
    public static bool IsKnown(string token) => Http.Contains(token) || Grpc.Contains(token) || IsStatusCode(token, out _);
}
