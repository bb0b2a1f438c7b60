using Envoy.Config.Route.V3;

namespace Trellis.Proxy.Routing;

/// <summary>The retry conditions of an Envoy RetryPolicy that the router honours.</summary>
internal sealed record RetryPolicyModel(int NumRetries, TimeSpan? PerTryTimeout, bool OnConnectFailure, bool OnRefusedStream,
    bool On5xx, bool OnGatewayError, IReadOnlySet<int> RetriableStatusCodes, IReadOnlySet<int> RetriableGrpcStatuses)
{
    public static RetryPolicyModel? From(RetryPolicy? p)
    {
        if (p is null) return null;
        var on = p.RetryOn.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        var grpc = new HashSet<int>();
        if (on.Contains("cancelled")) grpc.Add(1);
        if (on.Contains("deadline-exceeded")) grpc.Add(4);
        if (on.Contains("resource-exhausted")) grpc.Add(8);
        if (on.Contains("internal")) grpc.Add(13);
        if (on.Contains("unavailable")) grpc.Add(14);
        var codes = on.Contains("retriable-status-codes") ? p.RetriableStatusCodes.Select(c => (int)c).ToHashSet() : [];
        var perTry = p.PerTryTimeout is { } d && d.ToTimeSpan() > TimeSpan.Zero ? d.ToTimeSpan() : (TimeSpan?)null;
        return new RetryPolicyModel((int)(p.NumRetries ?? 1), perTry, on.Contains("connect-failure") || on.Contains("reset"),
            on.Contains("refused-stream") || on.Contains("reset"), on.Contains("5xx"), on.Contains("gateway-error"), codes, grpc);
    }

    /// <summary>Whether an upstream answer with this status (and gRPC status, if any) is worth another try.</summary>
    public bool RetriesStatus(int status, int? grpcStatus) =>
        (On5xx && status >= 500) || (OnGatewayError && status is 502 or 503 or 504) || RetriableStatusCodes.Contains(status)
        || (grpcStatus is { } g && RetriableGrpcStatuses.Contains(g));

    public bool RetriesConnectFailure => OnConnectFailure || OnRefusedStream || On5xx || OnGatewayError;
}
