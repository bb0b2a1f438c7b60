using Envoy.Config.Cluster.V3;
using Envoy.Config.Core.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.Config.Model.Networking;
using HttpProtocolOptions = Envoy.Extensions.Upstreams.Http.V3.HttpProtocolOptions;

namespace Trellis.ControlPlane.Translation;

/// <summary>A DestinationRule's connectionPool in Envoy's terms, as Istio's applyConnectionPool writes it:
/// the cluster's circuit-breaker thresholds, its connect_timeout, the idle timeout, lifetime and request cap of
/// its upstream HTTP connections, TCP keepalive on its sockets, and which HTTP version it speaks upstream.</summary>
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
    /// <param name="meshKeepalive">MeshConfig's tcpKeepalive, which the rule's overrides field by field.</param>
    public static void ApplyTo(Cluster cluster, HttpProtocolOptions options, ConnectionPoolSettings? pool, Config.Model.Networking.TcpKeepalive? meshKeepalive = null)
    {
        var thresholds = DefaultThresholds();
        var http = pool?.Http;
        var tcp = pool?.Tcp;
        if (http is not null)
        {
            if (http.Http2MaxRequests is > 0 and var requests) thresholds.MaxRequests = (uint)requests;
            if (http.Http1MaxPendingRequests is > 0 and var pending) thresholds.MaxPendingRequests = (uint)pending;
            if (http.MaxRetries is > 0 and var retries) thresholds.MaxRetries = (uint)retries;
            if (http.MaxRequestsPerConnection is > 0 and var perConnection) Common(options).MaxRequestsPerConnection = (uint)perConnection;
            // As Istio: only a port that already speaks HTTP/2 gets it; an h2 upgrade comes after and keeps Envoy's default.
            if (http.MaxConcurrentStreams is > 0 and var streams && options.ExplicitHttpConfig?.Http2ProtocolOptions is { } h2)
                h2.MaxConcurrentStreams = (uint)streams;
        }
        if (tcp is not null)
        {
            if (tcp.ConnectTimeout is { } connect) cluster.ConnectTimeout = Duration.FromTimeSpan(connect);
            if (tcp.MaxConnections is > 0 and var connections) thresholds.MaxConnections = (uint)connections;
            if (tcp.MaxConnectionDuration is { } lifetime) Common(options).MaxConnectionDuration = Duration.FromTimeSpan(lifetime);
        }
        // The HTTP idle timeout, else the TCP one: Istio sends whichever is set as the connections' idle timeout.
        if ((http?.IdleTimeout ?? tcp?.IdleTimeout) is { } idle) Common(options).IdleTimeout = Duration.FromTimeSpan(idle);
        if (http?.UseClientProtocol == true)
            options.UseDownstreamProtocolConfig = new HttpProtocolOptions.Types.UseDownstreamHttpConfig
            {
                HttpProtocolOptions = options.ExplicitHttpConfig?.HttpProtocolOptions ?? new Http1ProtocolOptions(),
                Http2ProtocolOptions = new Http2ProtocolOptions(),
            };
        cluster.CircuitBreakers = new CircuitBreakers { Thresholds = { thresholds } };
        Keepalive(cluster, meshKeepalive);
        Keepalive(cluster, tcp?.TcpKeepalive);
    }

    /// <summary>SO_KEEPALIVE on the cluster's sockets, with the given fields; unset ones keep what is there (the
    /// operating system's values, or the mesh's).</summary>
    private static void Keepalive(Cluster cluster, Config.Model.Networking.TcpKeepalive? keepalive)
    {
        if (keepalive is null) return;
        var options = (cluster.UpstreamConnectionOptions ??= new UpstreamConnectionOptions()).TcpKeepalive ??= new Envoy.Config.Core.V3.TcpKeepalive();
        if (keepalive.Probes is > 0 and var probes) options.KeepaliveProbes = probes;
        if (keepalive.Time is { } time && time > TimeSpan.Zero) options.KeepaliveTime = (uint)time.TotalSeconds;
        if (keepalive.Interval is { } interval && interval > TimeSpan.Zero) options.KeepaliveInterval = (uint)interval.TotalSeconds;
    }

    /// <summary>Istio's h2UpgradePolicy, for outbound clusters only: the DestinationRule's UPGRADE or DO_NOT_UPGRADE
    /// decides; otherwise the mesh's policy upgrades ports that declare HTTP (a port left to protocol sniffing
    /// follows the client, so an HTTP/1.1-only app never receives h2c). Upgrading wins over useClientProtocol.</summary>
    /// <returns>Whether the cluster now speaks HTTP/2.</returns>
    public static bool UpgradeToH2(HttpProtocolOptions options, ConnectionPoolSettings? pool, bool declaresHttp, bool meshUpgrades)
    {
        var upgrade = pool?.Http?.H2UpgradePolicy switch
        {
            H2UpgradePolicies.Upgrade => true,
            H2UpgradePolicies.DoNotUpgrade => false,
            _ => declaresHttp && meshUpgrades,
        };
        if (!upgrade) return options.ExplicitHttpConfig?.Http2ProtocolOptions is not null;
        options.ExplicitHttpConfig = new HttpProtocolOptions.Types.ExplicitHttpConfig { Http2ProtocolOptions = new Http2ProtocolOptions() };
        return true;
    }

    private static Envoy.Config.Core.V3.HttpProtocolOptions Common(HttpProtocolOptions options) =>
        options.CommonHttpProtocolOptions ??= new Envoy.Config.Core.V3.HttpProtocolOptions();
}
