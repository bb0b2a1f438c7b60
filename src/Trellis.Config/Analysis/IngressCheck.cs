using Trellis.Config.Model.Networking;
using Trellis.Config.Semantics.Ingress;

namespace Trellis.Config.Analysis;

/// <summary>TRL0115: which Kubernetes Ingresses the mesh leaves to another controller, and why; IST0101 for a path whose
/// backend Service (or named port) does not exist, which the mesh cannot route.</summary>
internal sealed class IngressCheck : IMeshCheck
{
    public IEnumerable<Diagnostic> Check(MeshIndex mesh)
    {
        foreach (var ingress in mesh.Resources.Where(r => r.Spec is IngressSpec))
        {
            if (IngressClassSelection.Why(ingress, mesh.Resources, mesh.Settings.Ingress) is { } why)
            {
                yield return Diagnostic.For(Severity.Info, DiagnosticCodes.IngressNotServed, ingress, "spec",
                    $"This Ingress is not served by the mesh's ingress gateway: {why}");
                continue;
            }
            var ns = MeshIndex.Ns(ingress);
            var rules = ((IngressSpec)ingress.Spec!).Rules ?? [];
            for (var i = 0; i < rules.Count; i++)
            {
                var paths = rules[i].Http?.Paths ?? [];
                for (var j = 0; j < paths.Count; j++)
                {
                    if (paths[j].Backend?.Service is not { Name: { Length: > 0 } name } service) continue;
                    var at = $"spec.rules[{i}].http.paths[{j}].backend.service";
                    if (mesh.FindService(name, ns) is null)
                        yield return Diagnostic.For(Severity.Warning, DiagnosticCodes.ReferencedResourceNotFound, ingress, $"{at}.name",
                            $"Referenced Service not found: \"{name}\" in namespace {ns}");
                    else if (IngressRoutes.Port(service, ns, mesh.Resources) is null)
                        yield return Diagnostic.For(Severity.Warning, DiagnosticCodes.ReferencedResourceNotFound, ingress, $"{at}.port.name",
                            $"Service {ns}/{name} has no port named \"{service.Port?.Name}\"; this path is not routed");
                }
            }
        }
    }
}
