using Trellis.Config.Model;
using Trellis.Config.Model.Networking;

namespace Trellis.Config.Semantics;

/// <summary>Which Sidecar applies to a workload, answered as istiod answers it (PushContext.initSidecarScopes and
/// getSidecarScope): in the workload's namespace the oldest Sidecar whose workloadSelector selects it, else the
/// oldest one there without a selector, else the oldest one without a selector in the root namespace. Gateways
/// take none. The analyzer and the translator both ask here.</summary>
public sealed class SidecarIndex
{
    private readonly IReadOnlyList<(Resource Resource, SidecarSpec Spec)> _sidecars;

    /// <param name="resources">The mesh's resources in creation order, oldest first; other kinds are skipped.</param>
    /// <param name="rootNamespace">The mesh config's root namespace, whose selector-less Sidecar is the mesh default.</param>
    public SidecarIndex(IEnumerable<Resource> resources, string rootNamespace)
    {
        RootNamespace = rootNamespace;
        _sidecars = resources.Where(r => r.Kind == "Sidecar" && r.Spec is SidecarSpec).Select(r => (r, (SidecarSpec)r.Spec!)).ToList();
    }

    public string RootNamespace { get; }

    public bool IsEmpty => _sidecars.Count == 0;

    /// <summary>The Sidecar of a workload in <paramref name="ns"/> with pod labels <paramref name="labels"/>, or null.</summary>
    public Resource? For(string ns, IReadOnlyDictionary<string, string> labels) =>
        Selecting(ns, labels).FirstOrDefault() ?? NamespaceDefaults(ns).FirstOrDefault() ?? NamespaceDefaults(RootNamespace).FirstOrDefault();

    /// <summary>Sidecars of <paramref name="ns"/> whose workloadSelector selects these labels, oldest (the one in force) first.
    /// An empty selector selects every workload, as istiod reads it.</summary>
    public IReadOnlyList<Resource> Selecting(string ns, IReadOnlyDictionary<string, string> labels) =>
        _sidecars.Where(s => Ns(s.Resource) == ns && s.Spec.WorkloadSelector is { } selector
                             && (selector.Labels ?? new Dictionary<string, string>()).All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value))
            .Select(s => s.Resource).ToList();

    /// <summary>Sidecars of <paramref name="ns"/> without a workloadSelector, oldest (the one in force) first.</summary>
    public IReadOnlyList<Resource> NamespaceDefaults(string ns) =>
        _sidecars.Where(s => Ns(s.Resource) == ns && s.Spec.WorkloadSelector is null).Select(s => s.Resource).ToList();

    /// <summary>Sidecars of <paramref name="ns"/> that apply namespace-wide, in creation order: those without a
    /// workloadSelector and those whose selector has no labels. Istio's analyzer counts both as selector-less
    /// (IST0111); of them, a selector without labels is the one in force, as it selects every workload.</summary>
    public IReadOnlyList<Resource> NamespaceWide(string ns) =>
        _sidecars.Where(s => Ns(s.Resource) == ns && s.Spec.WorkloadSelector is not { Labels.Count: > 0 }).Select(s => s.Resource).ToList();

    /// <summary>Every Sidecar with a workloadSelector, in creation order.</summary>
    public IEnumerable<Resource> WithSelector => _sidecars.Where(s => s.Spec.WorkloadSelector is not null).Select(s => s.Resource);

    private static string Ns(Resource r) => r.Metadata.Namespace ?? "default";
}
