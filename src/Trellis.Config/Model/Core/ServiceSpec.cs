using Trellis.Config.Loading;

namespace Trellis.Config.Model.Core;

/// <summary>Kubernetes Service: a stable name and ports in front of the pods its selector matches.</summary>
public sealed record ServiceSpec
{
    public IReadOnlyList<ServicePort>? Ports { get; init; }
    public IReadOnlyDictionary<string, string>? Selector { get; init; }
    [OneOf("ClusterIP", "NodePort", "LoadBalancer", "ExternalName")] public string? Type { get; init; }
    public string? ClusterIP { get; init; }
    public IReadOnlyList<string>? ClusterIPs { get; init; }
    public string? ExternalName { get; init; }
    public IReadOnlyList<string>? ExternalIPs { get; init; }
    public string? SessionAffinity { get; init; }
    public object? SessionAffinityConfig { get; init; }
    public string? ExternalTrafficPolicy { get; init; }
    public string? InternalTrafficPolicy { get; init; }
    public IReadOnlyList<string>? IpFamilies { get; init; }
    public string? IpFamilyPolicy { get; init; }
    public string? LoadBalancerIP { get; init; }
    public string? LoadBalancerClass { get; init; }
    public IReadOnlyList<string>? LoadBalancerSourceRanges { get; init; }
    public bool? PublishNotReadyAddresses { get; init; }
    public bool? AllocateLoadBalancerNodePorts { get; init; }
    public int? HealthCheckNodePort { get; init; }
    public string? TrafficDistribution { get; init; }
}

/// <summary>One port of a Service and the container port (number or name) it forwards to.</summary>
public sealed record ServicePort
{
    public string? Name { get; init; }
    public int? Port { get; init; }
    public IntOrString? TargetPort { get; init; }
    [OneOf("TCP", "UDP", "SCTP")] public string? Protocol { get; init; }
    public string? AppProtocol { get; init; }
    public int? NodePort { get; init; }
}
