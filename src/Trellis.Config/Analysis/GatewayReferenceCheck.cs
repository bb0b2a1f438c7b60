namespace Trellis.Config.Analysis;

/// <summary>IST0101: a VirtualService binds to a Gateway that does not exist.</summary>
internal sealed class GatewayReferenceCheck : IMeshCheck
{
    public IEnumerable<Diagnostic> Check(MeshIndex mesh)
    {
        var gateways = mesh.Gateways.Select(g => $"{MeshIndex.Ns(g.Resource)}/{g.Resource.Metadata.Name}").ToHashSet(StringComparer.Ordinal);
        foreach (var (resource, spec) in mesh.VirtualServices)
        {
            var ns = MeshIndex.Ns(resource);
            var references = new List<(string Path, string Gateway)>();
            for (var i = 0; i < (spec.Gateways?.Count ?? 0); i++) references.Add(($"spec.gateways[{i}]", spec.Gateways![i]));
            for (var i = 0; i < (spec.Http?.Count ?? 0); i++)
                for (var j = 0; j < (spec.Http![i].Match?.Count ?? 0); j++)
                    for (var k = 0; k < (spec.Http[i].Match![j].Gateways?.Count ?? 0); k++)
                        references.Add(($"spec.http[{i}].match[{j}].gateways[{k}]", spec.Http[i].Match![j].Gateways![k]));
            foreach (var (path, gateway) in references)
            {
                var key = VirtualServiceDestinations.Normalize(gateway, ns);
                if (key == "mesh" || gateways.Contains(key)) continue;
                yield return Diagnostic.For(Severity.Error, DiagnosticCodes.ReferencedResourceNotFound, resource, path,
                    $"Referenced gateway not found: \"{gateway}\"{DidYouMean.Hint(key, gateways)}");
            }
        }
    }
}
