using Trellis.Config.Loading;

namespace Trellis.Config.Model.Networking;

/// <summary>Istio DestinationRule: policies for traffic to a host after routing, and its named subsets.</summary>
public sealed record DestinationRuleSpec
{
    public string? Host { get; init; }
    public TrafficPolicy? TrafficPolicy { get; init; }
    public IReadOnlyList<Subset>? Subsets { get; init; }
    public IReadOnlyList<string>? ExportTo { get; init; }
    public WorkloadSelector? WorkloadSelector { get; init; }
}

/// <summary>A named group of a service's endpoints, chosen by pod labels.</summary>
public sealed record Subset
{
    public string? Name { get; init; }
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
    public TrafficPolicy? TrafficPolicy { get; init; }
}

/// <summary>Load balancing, connection pool, outlier detection and TLS for a destination.</summary>
public sealed record TrafficPolicy
{
    public LoadBalancerSettings? LoadBalancer { get; init; }
    public ConnectionPoolSettings? ConnectionPool { get; init; }
    public OutlierDetection? OutlierDetection { get; init; }
    public ClientTlsSettings? Tls { get; init; }
    public IReadOnlyList<PortTrafficPolicy>? PortLevelSettings { get; init; }
    public TunnelSettings? Tunnel { get; init; }
    public ProxyProtocol? ProxyProtocol { get; init; }
    public RetryBudget? RetryBudget { get; init; }
}

/// <summary>Traffic policy overrides for one port.</summary>
public sealed record PortTrafficPolicy
{
    public PortSelector? Port { get; init; }
    public LoadBalancerSettings? LoadBalancer { get; init; }
    public ConnectionPoolSettings? ConnectionPool { get; init; }
    public OutlierDetection? OutlierDetection { get; init; }
    public ClientTlsSettings? Tls { get; init; }
}

/// <summary>Tunnels TCP over HTTP CONNECT or POST.</summary>
public sealed record TunnelSettings
{
    [OneOf("CONNECT", "POST")] public string? Protocol { get; init; }
    public string? TargetHost { get; init; }
    public int? TargetPort { get; init; }
}

/// <summary>PROXY protocol version sent upstream.</summary>
public sealed record ProxyProtocol
{
    [OneOf("V1", "V2")] public string? Version { get; init; }
}

/// <summary>Limits concurrent retries as a share of active requests.</summary>
public sealed record RetryBudget
{
    public double? Percent { get; init; }
    public uint? MinRetryConcurrency { get; init; }
}

/// <summary>Client-side TLS towards the destination.</summary>
public sealed record ClientTlsSettings
{
    [OneOf("DISABLE", "SIMPLE", "MUTUAL", "ISTIO_MUTUAL")] public string? Mode { get; init; }
    public string? ClientCertificate { get; init; }
    public string? PrivateKey { get; init; }
    public string? CaCertificates { get; init; }
    public string? CredentialName { get; init; }
    public IReadOnlyList<string>? SubjectAltNames { get; init; }
    public string? Sni { get; init; }
    public bool? InsecureSkipVerify { get; init; }
    public string? CaCrl { get; init; }
}
