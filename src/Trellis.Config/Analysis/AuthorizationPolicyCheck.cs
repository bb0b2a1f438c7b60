using Trellis.Config.Loading;
using Trellis.Config.Model.Security;

namespace Trellis.Config.Analysis;

/// <summary>AuthorizationPolicy against the rest of the mesh: a CUSTOM policy must name an extensionProvider of
/// the mesh config (IST0101; otherwise it denies what it matches), and a selector should select some pods (IST0127).</summary>
internal sealed class AuthorizationPolicyCheck : IMeshCheck
{
    public IEnumerable<Diagnostic> Check(MeshIndex mesh)
    {
        var settings = MeshConfigReader.Settings(mesh.Resources);
        var providers = settings.ExtensionProviders.Where(p => p.Name is not null).ToDictionary(p => p.Name!, StringComparer.Ordinal);
        foreach (var resource in mesh.Resources)
        {
            if (resource.Spec is not AuthorizationPolicySpec spec) continue;
            if (spec.EffectiveAction == AuthorizationPolicySpec.Custom && spec.Provider?.Name is { Length: > 0 } name)
            {
                if (!providers.TryGetValue(name, out var provider))
                    yield return Diagnostic.For(Severity.Error, DiagnosticCodes.ReferencedResourceNotFound, resource, "spec.provider.name",
                        $"unknown extension provider \"{name}\"{DidYouMean.Hint(name, providers.Keys)}: define it in the mesh config's extensionProviders " +
                        "(ConfigMap istio-system/istio); until then the requests this policy matches are denied");
                else if (provider.EnvoyExtAuthzHttp is null)
                    yield return Diagnostic.For(Severity.Error, DiagnosticCodes.SchemaValidationError, resource, "spec.provider.name",
                        $"extension provider \"{name}\" is not an envoyExtAuthzHttp provider; Trellis's proxy calls HTTP authorization services only, so the requests this policy matches are denied");
            }
            if (spec.Selector?.MatchLabels is { Count: > 0 } labels && resource.Metadata.Namespace != settings.RootNamespace
                && !mesh.PodTemplates(MeshIndex.Ns(resource)).Any(p => MeshIndex.Selects(labels, p.Labels)))
                yield return Diagnostic.For(Severity.Warning, DiagnosticCodes.NoMatchingWorkloadsFound, resource, "spec.selector",
                    $"no pods in namespace {MeshIndex.Ns(resource)} match the selector {string.Join(",", labels.Select(kv => $"{kv.Key}={kv.Value}"))}; the policy applies to nothing");
        }
    }
}
