using Envoy.Config.Cluster.V3;
using Envoy.Config.Core.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.Config.Model.Networking;
using HttpProtocolOptions = Envoy.Extensions.Upstreams.Http.V3.HttpProtocolOptions;

namespace Trellis.ControlPlane.Translation;

/// <summary>A DestinationRule's connectionPool in Envoy's terms, as Istio's applyConnectionPool writes it:
/// the cluster's circuit-breaker thresholds, its connect_timeout, and the idle timeout and request cap of
/// its upstream HTTP connections.</summary>
internal static class ConnectionPools
{
    /// <summary>Istio's default thresholds, sent even without a DestinationRule: Envoy's own defaults
    /// (1024 connections and requests, 3 retries) trip during ordinary load and pod churn.</summary>
    public static CircuitBreakers.Types.Thresholds DefaultThresholds() => new()
    {
        Priority = RoutingPriority.Default,
        MaxConnections = uint.MaxValue,
        MaxPendingRequests = uint.MaxValue,
        MaxRequests = uint.MaxValue,
        MaxRetries = uint.MaxValue,
        TrackRemaining = true,
    };

    /// <summary>Sets the circuit breakers and connect timeout on the cluster and the HTTP limits on its
    /// protocol options. Limits that are unset or zero keep Istio's defaults.</summary>
    public static void ApplyTo(Cluster cluster, HttpProtocolOptions options, ConnectionPoolSettings? pool)
    {
        var thresholds = DefaultThresholds();
        if (pool?.Http is { } http)
        {
            if (http.Http2MaxRequests is > 0 and var requests) thresholds.MaxRequests = (uint)requests;
            if (http.Http1MaxPendingRequests is > 0 and var pending) thresholds.MaxPendingRequests = (uint)pending;
            if (http.MaxRetries is > 0 and var retries) thresholds.MaxRetries = (uint)retries;
            if (http.IdleTimeout is { } idle) Common(options).IdleTimeout = Duration.FromTimeSpan(idle);
            if (http.MaxRequestsPerConnection is > 0 and var perConnection) Common(options).MaxRequestsPerConnection = (uint)perConnection;
        }
        if (pool?.Tcp is { } tcp)
        {
            if (tcp.ConnectTimeout is { } connect) cluster.ConnectTimeout = Duration.FromTimeSpan(connect);
            if (tcp.MaxConnections is > 0 and var connections) thresholds.MaxConnections = (uint)connections;
        }
        cluster.CircuitBreakers = new CircuitBreakers { Thresholds = { thresholds } };
    }

    private static Envoy.Config.Core.V3.HttpProtocolOptions Common(HttpProtocolOptions options) =>
        options.CommonHttpProtocolOptions ??= new Envoy.Config.Core.V3.HttpProtocolOptions();
}
