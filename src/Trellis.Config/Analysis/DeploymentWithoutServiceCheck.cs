namespace Trellis.Config.Analysis;

/// <summary>IST0117 (info): a Deployment whose pods no Service selects cannot receive mesh traffic.</summary>
internal sealed class DeploymentWithoutServiceCheck : IMeshCheck
{
    public IEnumerable<Diagnostic> Check(MeshIndex mesh)
    {
        foreach (var (resource, spec) in mesh.Deployments)
        {
            var labels = (IReadOnlyDictionary<string, string>?)spec.Template?.Metadata?.Labels ?? new Dictionary<string, string>();
            var ns = MeshIndex.Ns(resource);
            if (mesh.Services.Any(s => MeshIndex.Ns(s.Resource) == ns && s.Spec.Selector is { Count: > 0 } sel && MeshIndex.Selects(sel, labels)))
                continue;
            yield return Diagnostic.For(Severity.Info, DiagnosticCodes.DeploymentRequiresServiceAssociated, resource, "spec.template.metadata.labels",
                "No service associated with this deployment: it receives no mesh traffic");
        }
    }
}
