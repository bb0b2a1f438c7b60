namespace Trellis.Config.Analysis;

/// <summary>A VirtualService bound to the mesh may not claim the host <c>*</c> (Istio rejects it: it would capture all traffic).</summary>
internal sealed class MeshWildcardHostCheck : IMeshCheck
{
    public IEnumerable<Diagnostic> Check(MeshIndex mesh)
    {
        foreach (var (resource, spec) in mesh.VirtualServices)
        {
            if (!VirtualServiceDestinations.Gateways(spec, MeshIndex.Ns(resource)).Any(g => g.Gateway == "mesh")) continue;
            for (var i = 0; i < (spec.Hosts?.Count ?? 0); i++)
                if (spec.Hosts![i] == "*")
                    yield return Diagnostic.For(Severity.Error, DiagnosticCodes.SchemaValidationError, resource, $"spec.hosts[{i}]",
                        "wildcard host * is not allowed for virtual services bound to the mesh gateway");
        }
    }
}
