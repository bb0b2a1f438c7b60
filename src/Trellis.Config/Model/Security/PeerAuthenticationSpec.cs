using Trellis.Config.Loading;
using Trellis.Config.Model.Networking;

namespace Trellis.Config.Model.Security;

/// <summary>Istio PeerAuthentication: whether a workload's sidecar requires, allows or refuses mutual TLS on
/// inbound connections; mesh-wide in the root namespace, namespace-wide without a selector, else per workload.</summary>
public sealed record PeerAuthenticationSpec
{
    public WorkloadSelector? Selector { get; init; }
    public PeerAuthenticationMtls? Mtls { get; init; }

    /// <summary>Keyed by the workload's port number (its container port), as Istio's map&lt;uint32, MutualTLS&gt;.</summary>
    public IReadOnlyDictionary<string, PeerAuthenticationMtls>? PortLevelMtls { get; init; }
}

/// <summary>The mutual TLS mode of a PeerAuthentication or of one of its ports.</summary>
public sealed record PeerAuthenticationMtls
{
    [OneOf("UNSET", "DISABLE", "PERMISSIVE", "STRICT")] public string? Mode { get; init; }
}
