namespace Trellis.Config.Analysis;

/// <summary>TRL0111 (warning): a Service whose selector matches no Deployment's pod template in its namespace.</summary>
internal sealed class ServiceSelectsNoPodsCheck : IMeshCheck
{
    public IEnumerable<Diagnostic> Check(MeshIndex mesh)
    {
        foreach (var (resource, spec) in mesh.Services)
        {
            if (spec.Selector is not { Count: > 0 } selector) continue;
            if (mesh.PodTemplates(MeshIndex.Ns(resource)).Any(p => MeshIndex.Selects(selector, p.Labels))) continue;
            var wanted = string.Join(",", selector.Select(kv => $"{kv.Key}={kv.Value}"));
            yield return Diagnostic.For(Severity.Warning, DiagnosticCodes.ServiceSelectsNoPods, resource, "spec.selector",
                $"no Deployment in namespace {MeshIndex.Ns(resource)} has pods labelled {wanted}");
        }
    }
}
