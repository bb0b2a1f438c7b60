using Trellis.Config.Loading;

namespace Trellis.Config.Model.Networking;

/// <summary>Circuit-breaking limits for TCP and HTTP connections.</summary>
public sealed record ConnectionPoolSettings
{
    public TcpSettings? Tcp { get; init; }
    public HttpSettings? Http { get; init; }
}

/// <summary>TCP connection limits.</summary>
public sealed record TcpSettings
{
    public int? MaxConnections { get; init; }
    public TimeSpan? ConnectTimeout { get; init; }
    public TcpKeepalive? TcpKeepalive { get; init; }
    public TimeSpan? MaxConnectionDuration { get; init; }
    public TimeSpan? IdleTimeout { get; init; }
}

/// <summary>TCP keepalive probes.</summary>
public sealed record TcpKeepalive
{
    public uint? Probes { get; init; }
    public TimeSpan? Time { get; init; }
    public TimeSpan? Interval { get; init; }
}

/// <summary>HTTP request limits.</summary>
public sealed record HttpSettings
{
    public int? Http1MaxPendingRequests { get; init; }
    public int? Http2MaxRequests { get; init; }
    public int? MaxRequestsPerConnection { get; init; }
    public int? MaxRetries { get; init; }
    public TimeSpan? IdleTimeout { get; init; }
    [OneOf(H2UpgradePolicies.Default, H2UpgradePolicies.DoNotUpgrade, H2UpgradePolicies.Upgrade)] public string? H2UpgradePolicy { get; init; }
    public bool? UseClientProtocol { get; init; }
    public int? MaxConcurrentStreams { get; init; }
}

/// <summary>The values of h2UpgradePolicy, in a DestinationRule and in MeshConfig (which has no DEFAULT).</summary>
public static class H2UpgradePolicies
{
    public const string Default = "DEFAULT";
    public const string DoNotUpgrade = "DO_NOT_UPGRADE";
    public const string Upgrade = "UPGRADE";
}

/// <summary>Ejection of failing endpoints.</summary>
public sealed record OutlierDetection
{
    [Deprecated("Istio maps it to consecutiveGatewayErrors (gateway errors only: 502, 503, 504); use consecutiveGatewayErrors")] public int? ConsecutiveErrors { get; init; }
    public bool? SplitExternalLocalOriginErrors { get; init; }
    public uint? ConsecutiveLocalOriginFailures { get; init; }
    public uint? ConsecutiveGatewayErrors { get; init; }
    public uint? Consecutive5xxErrors { get; init; }
    public TimeSpan? Interval { get; init; }
    public TimeSpan? BaseEjectionTime { get; init; }
    public int? MaxEjectionPercent { get; init; }
    public int? MinHealthPercent { get; init; }
}
