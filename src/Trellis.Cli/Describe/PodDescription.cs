namespace Trellis.Cli.Describe;

/// <summary>What `trellis x describe pod` reports: the pod, each Service port that reaches it with the routing and
/// mutual TLS that apply there, the AuthorizationPolicies its proxy enforces, and the command that lists them rule by rule.</summary>
internal sealed record PodDescription(
    string Pod,
    string Namespace,
    string ServiceAccount,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<ServicePortDescription> Ports,
    IReadOnlyList<Trellis.Cli.Authorization.PolicyInEffect> AuthorizationPolicies,
    string AuthorizationDetail);

/// <summary>One Service port that selects the pod.</summary>
/// <param name="Mtls">STRICT, PERMISSIVE or DISABLE: what the pod's sidecar accepts on the target port.</param>
/// <param name="MtlsDecidedBy">The PeerAuthentication that decided it ("namespace/name (scope)"), or Istio's default.</param>
internal sealed record ServicePortDescription(
    string Service,
    int Port,
    int TargetPort,
    string? PortName,
    string Mtls,
    string MtlsDecidedBy,
    IReadOnlyList<string> VirtualServices,
    string? DestinationRule,
    IReadOnlyList<string> Subsets,
    string? ClientTls);
