namespace Trellis.Config.Analysis;

/// <summary>IST0101: a VirtualService routes to a subset that no DestinationRule for that host defines.</summary>
internal sealed class DestinationSubsetCheck : IMeshCheck
{
    public IEnumerable<Diagnostic> Check(MeshIndex mesh)
    {
        foreach (var (resource, spec) in mesh.VirtualServices)
        {
            var ns = MeshIndex.Ns(resource);
            foreach (var (path, destination) in VirtualServiceDestinations.Of(spec))
            {
                if (string.IsNullOrEmpty(destination.Host) || string.IsNullOrEmpty(destination.Subset)) continue;
                var subsets = mesh.SubsetsFor(destination.Host, ns);
                if (subsets.Contains(destination.Subset)) continue;
                yield return Diagnostic.For(Severity.Error, DiagnosticCodes.ReferencedResourceNotFound, resource, $"{path}.subset",
                    $"Referenced host+subset in destinationrule not found: \"{destination.Host}+{destination.Subset}\"{DidYouMean.Hint(destination.Subset, subsets)}");
            }
        }
    }
}
