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

/// <summary>Counts a cluster's requests, retries and tunnel connections in flight against its limits. An HTTP/1.1
/// request needs a connection of its own, so beyond max_connections requests wait as pending, up to
/// max_pending_requests; HTTP/2 multiplexes and is bounded by max_requests alone. A tunnel holds one upstream
/// connection for its whole life and counts against max_connections, as Envoy's tcp_proxy does. What does not
/// fit overflows (503, flag UO), and a retry beyond max_retries is not made. It lives as long as its cluster:
/// a push that changes the limits swaps them, and the counts go on.</summary>
internal sealed class CircuitBreaker
{
    private sealed record Thresholds(CircuitBreakerLimits Limits, bool Multiplexed, long RequestCap);

    private volatile Thresholds _thresholds;
    private long _requests;
    private long _retries;
    private long _connections;

    public CircuitBreaker(CircuitBreakerLimits limits, bool multiplexed) => _thresholds = ThresholdsFor(limits, multiplexed);

    public CircuitBreakerLimits Limits => _thresholds.Limits;

    /// <summary>Applies a cluster update's limits; requests and connections in flight keep counting.</summary>
    public void Configure(CircuitBreakerLimits limits, bool multiplexed)
    {
        var current = _thresholds;
        if (current.Limits == limits && current.Multiplexed == multiplexed) return;
        _thresholds = ThresholdsFor(limits, multiplexed);
    }

    private static Thresholds ThresholdsFor(CircuitBreakerLimits limits, bool multiplexed) => new(limits, multiplexed,
        multiplexed ? limits.MaxRequests : Math.Min(limits.MaxRequests, (long)limits.MaxConnections + limits.MaxPendingRequests));

    /// <summary>Admits a request, or returns false when the cluster is full.</summary>
    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _requests) <= _thresholds.RequestCap) return true;
        Interlocked.Decrement(ref _requests);
        return false;
    }

    public void Exit() => Interlocked.Decrement(ref _requests);

    /// <summary>Admits a tunnel's upstream connection, or returns false at max_connections.</summary>
    public bool TryOpenConnection()
    {
        if (Interlocked.Increment(ref _connections) <= _thresholds.Limits.MaxConnections) return true;
        Interlocked.Decrement(ref _connections);
        return false;
    }

    public void CloseConnection() => Interlocked.Decrement(ref _connections);

    /// <summary>Whether one more retry fits under max_retries; <paramref name="holdingOne"/> when the caller's own
    /// retry in progress is about to end and make room. Like Envoy's, the limit is fuzzy under races.</summary>
    public bool CanRetry(bool holdingOne) => Volatile.Read(ref _retries) - (holdingOne ? 1 : 0) < Limits.MaxRetries;

    public void EnterRetry() => Interlocked.Increment(ref _retries);

    public void ExitRetry() => Interlocked.Decrement(ref _retries);
}
