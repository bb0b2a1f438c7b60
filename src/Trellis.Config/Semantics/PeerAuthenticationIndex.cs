using Trellis.Config.Model;
using Trellis.Config.Model.Security;
using Trellis.Config.Validation;

namespace Trellis.Config.Semantics;

/// <summary>Which PeerAuthentication decides a workload's inbound mutual TLS, answered as istiod answers it
/// (ComposePeerAuthentication): mesh (root namespace, no selector), then namespace (no selector), then workload
/// (selector, outside the root namespace), each overriding the one before unless its mode is UNSET; with several at
/// one level the oldest wins; no policy means PERMISSIVE; portLevelMtls of the workload policy overrides its ports,
/// an UNSET port inheriting the workload's mode. The analyzer and the translator both ask here.</summary>
public sealed class PeerAuthenticationIndex
{
    private readonly List<(Resource Resource, PeerAuthenticationSpec Spec)> _policies;

    /// <param name="resources">The mesh's resources in creation order, oldest first; other kinds are skipped.</param>
    /// <param name="rootNamespace">The mesh config's root namespace, whose selector-less policy is mesh-wide.</param>
    public PeerAuthenticationIndex(IEnumerable<Resource> resources, string rootNamespace)
    {
        RootNamespace = rootNamespace;
        _policies = resources
            .Where(r => r.Kind == "PeerAuthentication")
            .Select(r => (r, r.Spec as PeerAuthenticationSpec ?? new PeerAuthenticationSpec()))
            .ToList();
    }

    public string RootNamespace { get; }

    /// <summary>Mesh-wide policies, oldest (the one in force) first.</summary>
    public IReadOnlyList<Resource> MeshWide => _policies.Where(p => IsMeshWide(p.Resource, p.Spec)).Select(p => p.Resource).ToList();

    /// <summary>Namespace-wide policies of <paramref name="ns"/> (not the root namespace), oldest first.</summary>
    public IReadOnlyList<Resource> NamespaceWide(string ns) =>
        ns == RootNamespace ? [] : _policies.Where(p => Ns(p.Resource) == ns && !HasSelector(p.Spec)).Select(p => p.Resource).ToList();

    /// <summary>Workload policies of a namespace that select these labels, oldest first.</summary>
    public IReadOnlyList<Resource> WorkloadPolicies(string ns, IReadOnlyDictionary<string, string> labels) =>
        ns == RootNamespace ? [] : _policies.Where(p => Ns(p.Resource) == ns && HasSelector(p.Spec) && Selects(p.Spec, labels)).Select(p => p.Resource).ToList();

    /// <summary>Policies with a selector in the root namespace: istiod applies them to no workload.</summary>
    public IReadOnlyList<Resource> IgnoredInRootNamespace =>
        _policies.Where(p => Ns(p.Resource) == RootNamespace && HasSelector(p.Spec)).Select(p => p.Resource).ToList();

    /// <summary>The inbound mutual TLS of a workload in <paramref name="ns"/> with pod labels <paramref name="labels"/>.</summary>
    public EffectivePeerAuthentication For(string ns, IReadOnlyDictionary<string, string> labels)
    {
        var decided = DecidedMutualTls.Default;
        decided = Override(decided, MeshWide.FirstOrDefault(), "mesh");
        decided = Override(decided, NamespaceWide(ns).FirstOrDefault(), "namespace");
        var workload = WorkloadPolicies(ns, labels).FirstOrDefault();
        decided = Override(decided, workload, "workload");
        var ports = new Dictionary<int, DecidedMutualTls>();
        if (workload?.Spec is PeerAuthenticationSpec { PortLevelMtls: { } levels })
            foreach (var (key, mtls) in levels)
                if (PeerAuthenticationValidator.PortOf(key) is { } port)
                    ports[port] = Parse(mtls.Mode) is { } mode ? new DecidedMutualTls(mode, workload, "port") : decided;
        return new EffectivePeerAuthentication(decided, ports);
    }

    private static DecidedMutualTls Override(DecidedMutualTls parent, Resource? policy, string scope) =>
        policy?.Spec is PeerAuthenticationSpec spec && Parse(spec.Mtls?.Mode) is { } mode ? new DecidedMutualTls(mode, policy, scope) : parent;

    /// <summary>A mode name as PeerAuthentication spells it; null for UNSET or absent, which inherit.</summary>
    public static MutualTlsMode? Parse(string? mode) => mode switch
    {
        "STRICT" => MutualTlsMode.Strict,
        "PERMISSIVE" => MutualTlsMode.Permissive,
        "DISABLE" => MutualTlsMode.Disable,
        _ => null,
    };

    private bool IsMeshWide(Resource resource, PeerAuthenticationSpec spec) => Ns(resource) == RootNamespace && !HasSelector(spec);

    private static bool HasSelector(PeerAuthenticationSpec spec) => spec.Selector?.MatchLabels is { Count: > 0 };

    private static bool Selects(PeerAuthenticationSpec spec, IReadOnlyDictionary<string, string> labels) =>
        spec.Selector!.MatchLabels!.All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value);

    private static string Ns(Resource r) => r.Metadata.Namespace ?? "default";
}
