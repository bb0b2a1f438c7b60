using Trellis.Config.Model;

namespace Trellis.Config.Semantics;

/// <summary>The mutual TLS mode in force and what decided it: the PeerAuthentication (null for Istio's default,
/// PERMISSIVE) and its scope ("mesh", "namespace", "workload", "port", or "default").</summary>
public sealed record DecidedMutualTls(MutualTlsMode Mode, Resource? DecidedBy, string Scope)
{
    public static DecidedMutualTls Default { get; } = new(MutualTlsMode.Permissive, null, "default");
}

/// <summary>A workload's inbound mutual TLS: its mode, and the ports whose portLevelMtls overrides it.</summary>
public sealed record EffectivePeerAuthentication(DecidedMutualTls Workload, IReadOnlyDictionary<int, DecidedMutualTls> Ports)
{
    /// <summary>The mode on one of the workload's ports (its container port).</summary>
    public DecidedMutualTls ForPort(int port) => Ports.TryGetValue(port, out var decided) ? decided : Workload;
}
