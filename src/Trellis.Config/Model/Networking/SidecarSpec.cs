using Trellis.Config.Loading;

namespace Trellis.Config.Model.Networking;

/// <summary>Istio Sidecar: which services the sidecars it selects can reach (egress hosts), and what they do with
/// traffic to anything else (outboundTrafficPolicy).</summary>
public sealed record SidecarSpec
{
    public SidecarWorkloadSelector? WorkloadSelector { get; init; }
    public IReadOnlyList<IstioIngressListener>? Ingress { get; init; }
    public IReadOnlyList<IstioEgressListener>? Egress { get; init; }
    public ConnectionPoolSettings? InboundConnectionPool { get; init; }
    public SidecarOutboundTrafficPolicy? OutboundTrafficPolicy { get; init; }
}

/// <summary>The pods a Sidecar applies to; unlike other kinds' matchLabels, Sidecar's field is <c>labels</c>.</summary>
public sealed record SidecarWorkloadSelector
{
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
}

/// <summary>An inbound listener of the sidecar.</summary>
public sealed record IstioIngressListener
{
    public SidecarPort? Port { get; init; }
    public string? Bind { get; init; }
    [OneOf("DEFAULT", "IPTABLES", "NONE")] public string? CaptureMode { get; init; }
    public string? DefaultEndpoint { get; init; }
    public ServerTlsSettings? Tls { get; init; }
    public ConnectionPoolSettings? ConnectionPool { get; init; }
}

/// <summary>An outbound listener of the sidecar and the hosts (<c>namespace/dnsName</c>) it imports.</summary>
public sealed record IstioEgressListener
{
    public SidecarPort? Port { get; init; }
    public string? Bind { get; init; }
    [OneOf("DEFAULT", "IPTABLES", "NONE")] public string? CaptureMode { get; init; }
    public IReadOnlyList<string>? Hosts { get; init; }
}

/// <summary>The port of a Sidecar listener.</summary>
public sealed record SidecarPort
{
    public int? Number { get; init; }
    public string? Protocol { get; init; }
    public string? Name { get; init; }
    [Deprecated("it has no effect")] public int? TargetPort { get; init; }
}

/// <summary>The outbound traffic policy of the sidecars a Sidecar selects, overriding the mesh config's.</summary>
public sealed record SidecarOutboundTrafficPolicy
{
    [OneOf(Mesh.OutboundTrafficPolicy.AllowAny, Mesh.OutboundTrafficPolicy.RegistryOnly)] public string? Mode { get; init; }
    public Destination? EgressProxy { get; init; }
}
