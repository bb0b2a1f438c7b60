namespace Trellis.Config.Analysis;

/// <summary>IST0101: a VirtualService routes to a host that no Service or ServiceEntry defines.</summary>
internal sealed class DestinationHostCheck : IMeshCheck
{
    public IEnumerable<Diagnostic> Check(MeshIndex mesh)
    {
        foreach (var (resource, spec) in mesh.VirtualServices)
        {
            var ns = MeshIndex.Ns(resource);
            foreach (var (path, destination) in VirtualServiceDestinations.Of(spec))
            {
                if (string.IsNullOrEmpty(destination.Host) || mesh.HostExists(destination.Host, ns)) continue;
                var known = mesh.ServicesByFqdn.Keys.Select(k => k.Split('.')[0]).Distinct();
                yield return Diagnostic.For(Severity.Error, DiagnosticCodes.ReferencedResourceNotFound, resource, $"{path}.host",
                    $"Referenced host not found: \"{destination.Host}\"{DidYouMean.Hint(destination.Host, known)}");
            }
        }
    }
}
