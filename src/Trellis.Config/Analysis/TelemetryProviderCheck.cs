using Trellis.Config.Loading;
using Trellis.Config.Model.Telemetry;

namespace Trellis.Config.Analysis;

/// <summary>Telemetry against the mesh config: every provider it names must be one of the mesh config's
/// extensionProviders or one Istio defines by default (prometheus, stackdriver, envoy); otherwise that rule does nothing,
/// as in Istio, so it is a warning that says so.</summary>
internal sealed class TelemetryProviderCheck : IMeshCheck
{
    /// <summary>The providers Istio's default mesh config declares.</summary>
    public static readonly IReadOnlySet<string> BuiltIn = new HashSet<string>(StringComparer.Ordinal) { "prometheus", "stackdriver", "envoy" };

    public IEnumerable<Diagnostic> Check(MeshIndex mesh)
    {
        var declared = MeshConfigReader.Settings(mesh.Resources).ExtensionProviders.Select(p => p.Name).OfType<string>().Concat(BuiltIn)
            .ToHashSet(StringComparer.Ordinal);
        foreach (var resource in mesh.Resources)
        {
            if (resource.Spec is not TelemetrySpec spec) continue;
            var named = (spec.Tracing ?? []).Select((t, i) => ($"spec.tracing[{i}]", t.Providers))
                .Concat((spec.Metrics ?? []).Select((m, i) => ($"spec.metrics[{i}]", m.Providers)))
                .Concat((spec.AccessLogging ?? []).Select((a, i) => ($"spec.accessLogging[{i}]", a.Providers)));
            foreach (var (at, providers) in named)
                for (var i = 0; i < (providers?.Count ?? 0); i++)
                    if (providers![i].Name is { Length: > 0 } name && !declared.Contains(name))
                        yield return Diagnostic.For(Severity.Warning, DiagnosticCodes.ReferencedResourceNotFound, resource, $"{at}.providers[{i}].name",
                            $"unknown provider \"{name}\"{DidYouMean.Hint(name, declared)}: declare it in the mesh config's extensionProviders " +
                            "(ConfigMap istio-system/istio); until then this rule sends nothing anywhere");
        }
    }
}
