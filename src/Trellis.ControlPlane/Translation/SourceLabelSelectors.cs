using Trellis.Config.Model.Networking;
using Trellis.ControlPlane.Mesh;

namespace Trellis.ControlPlane.Translation;

/// <summary>The distinct sourceLabels of the mesh's VirtualService matches. Only these labels make a client's route table
/// differ from its namespace neighbours', so proxies that satisfy the same selectors can share one table.</summary>
internal sealed class SourceLabelSelectors
{
    private readonly List<IReadOnlyDictionary<string, string>> _selectors = [];

    public SourceLabelSelectors(MeshModel mesh)
    {
        foreach (var resource in mesh.OfKind("VirtualService"))
        {
            if (resource.Spec is not VirtualServiceSpec spec) continue;
            var selectors = (spec.Http ?? []).SelectMany(h => h.Match ?? []).Select(m => m?.SourceLabels)
                .Concat((spec.Tcp ?? []).SelectMany(t => t.Match ?? []).Select(m => m.SourceLabels))
                .Concat((spec.Tls ?? []).SelectMany(t => t.Match ?? []).Select(m => m.SourceLabels));
            foreach (var selector in selectors)
                if (selector is { Count: > 0 } && !_selectors.Any(s => SameLabels(s, selector))) _selectors.Add(selector);
        }
    }

    /// <summary>Which selectors the labels satisfy, one character each; empty when the mesh has none.</summary>
    public string Signature(IReadOnlyDictionary<string, string> labels) => string.Create(_selectors.Count, (_selectors, labels), static (chars, state) =>
    {
        for (var i = 0; i < chars.Length; i++)
            chars[i] = state._selectors[i].All(kv => state.labels.TryGetValue(kv.Key, out var v) && v == kv.Value) ? '1' : '0';
    });

    private static bool SameLabels(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
