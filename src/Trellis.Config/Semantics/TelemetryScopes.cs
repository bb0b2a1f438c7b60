using Trellis.Config.Model;
using Trellis.Config.Model.Telemetry;

namespace Trellis.Config.Semantics;

/// <summary>The Telemetry resources that bear on one workload, one per level as istiod picks them: mesh (root
/// namespace, no selector), namespace (no selector) and workload (a selector its labels satisfy, outside the root
/// namespace); with several at one level the oldest wins. Each telemetry kind (metrics, tracing, access logging)
/// then lets the narrowest level that sets it override the wider ones. Telemetries attached by targetRef(s) bind
/// Gateway API gateways and waypoints, which Trellis does not run, so no sidecar takes them.</summary>
public sealed class TelemetryScopes
{
    private readonly List<(Resource Resource, TelemetrySpec Spec)> _telemetries;
    private readonly string _rootNamespace;

    /// <param name="resources">The mesh's resources in creation order, oldest first; other kinds are skipped.</param>
    public TelemetryScopes(IEnumerable<Resource> resources, string rootNamespace)
    {
        _rootNamespace = rootNamespace;
        _telemetries = resources
            .Where(r => r.Kind == "Telemetry" && r.Metadata.Namespace is not null)
            .Select(r => (r, r.Spec as TelemetrySpec ?? new TelemetrySpec()))
            .Where(t => t.Item2.TargetRef is null && t.Item2.TargetRefs is not { Count: > 0 })
            .ToList();
    }

    /// <summary>The Telemetries in effect for a workload in <paramref name="ns"/> with pod labels <paramref name="labels"/>.</summary>
    public ApplicableTelemetry For(string ns, IReadOnlyDictionary<string, string> labels)
    {
        Resource? mesh = null, space = null, workload = null;
        foreach (var (resource, spec) in _telemetries)
        {
            var at = resource.Metadata.Namespace;
            var selector = spec.Selector?.MatchLabels;
            if (selector is not { Count: > 0 })
            {
                if (at == _rootNamespace) mesh ??= resource;
                else if (at == ns) space ??= resource;
            }
            else if (at == ns && ns != _rootNamespace && selector.All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value))
                workload ??= resource;
        }
        return new ApplicableTelemetry(mesh, space, workload);
    }
}

/// <summary>The Telemetry resource at each level for one workload; any may be absent.</summary>
public sealed record ApplicableTelemetry(Resource? Mesh, Resource? Namespace, Resource? Workload)
{
    /// <summary>Mesh, namespace, workload: widest first, so a later one overrides an earlier one.</summary>
    public IEnumerable<(Resource Resource, TelemetrySpec Spec)> WidestFirst =>
        new[] { Mesh, Namespace, Workload }.OfType<Resource>().Select(r => (r, r.Spec as TelemetrySpec ?? new TelemetrySpec()));
}
