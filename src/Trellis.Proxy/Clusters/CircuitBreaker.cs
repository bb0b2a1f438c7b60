using Envoy.Config.Cluster.V3;
using Envoy.Config.Core.V3;

namespace Trellis.Proxy.Clusters;

/// <summary>A cluster's DEFAULT-priority circuit_breakers thresholds; Envoy's defaults (1024 each) apply
/// when the cluster sets none.</summary>
internal sealed record CircuitBreakerLimits(uint MaxConnections, uint MaxPendingRequests, uint MaxRequests, uint MaxRetries)
{
    public static readonly CircuitBreakerLimits EnvoyDefaults = new(1024, 1024, 1024, 3);

    public static CircuitBreakerLimits From(CircuitBreakers? breakers)
    {
        var t = breakers?.Thresholds.FirstOrDefault(t => t.Priority == RoutingPriority.Default);
        if (t is null) return EnvoyDefaults;
        return new CircuitBreakerLimits(
            t.MaxConnections ?? EnvoyDefaults.MaxConnections,
            t.MaxPendingRequests ?? EnvoyDefaults.MaxPendingRequests,
            t.MaxRequests ?? EnvoyDefaults.MaxRequests,
            t.MaxRetries ?? EnvoyDefaults.MaxRetries);
    }
}

/// <summary>Counts a cluster's requests and retries in flight against its limits. An HTTP/1.1 request needs
/// a connection of its own, so beyond max_connections requests wait as pending, up to max_pending_requests;
/// HTTP/2 multiplexes and is bounded by max_requests alone. What does not fit overflows (503, flag UO),
/// and a retry beyond max_retries is not made. Shared by the snapshots of an unchanged cluster so that
/// a configuration push does not reset the counts.</summary>
internal sealed class CircuitBreaker(CircuitBreakerLimits limits, bool multiplexed)
{
    private readonly long _requestCap = multiplexed
        ? limits.MaxRequests
        : Math.Min(limits.MaxRequests, (long)limits.MaxConnections + limits.MaxPendingRequests);
    private long _requests;
    private long _retries;

    public CircuitBreakerLimits Limits { get; } = limits;

    public bool Multiplexed { get; } = multiplexed;

    /// <summary>Admits a request, or returns false when the cluster is full.</summary>
    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _requests) <= _requestCap) return true;
        Interlocked.Decrement(ref _requests);
        return false;
    }

    public void Exit() => Interlocked.Decrement(ref _requests);

    /// <summary>Whether one more retry fits under max_retries; <paramref name="holdingOne"/> when the caller's own
    /// retry in progress is about to end and make room. Like Envoy's, the limit is fuzzy under races.</summary>
    public bool CanRetry(bool holdingOne) => Volatile.Read(ref _retries) - (holdingOne ? 1 : 0) < Limits.MaxRetries;

    public void EnterRetry() => Interlocked.Increment(ref _retries);

    public void ExitRetry() => Interlocked.Decrement(ref _retries);
}
