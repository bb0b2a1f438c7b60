namespace Trellis.Config.Analysis;

/// <summary>IST0109: several VirtualServices claim one host on the mesh (undefined behaviour, an error); on a named
/// gateway Istio merges them, so Trellis warns (TRL0109).</summary>
internal sealed class ConflictingHostsCheck : IMeshCheck
{
    public IEnumerable<Diagnostic> Check(MeshIndex mesh)
    {
        var claims = from vs in mesh.VirtualServices
                     let ns = MeshIndex.Ns(vs.Resource)
                     from gateway in VirtualServiceDestinations.Gateways(vs.Spec, ns)
                     from host in (vs.Spec.Hosts ?? []).Select((h, i) => (Host: HostName.Resolve(h, ns), Index: i))
                     group (vs.Resource, host.Index) by (gateway.Gateway, host.Host);
        foreach (var claim in claims)
        {
            var owners = claim.DistinctBy(c => c.Resource.Ref).ToList();
            if (owners.Count < 2) continue;
            var names = string.Join(",", owners.Select(o => $"{o.Resource.Metadata.Namespace}/{o.Resource.Metadata.Name}"));
            var mesh_ = claim.Key.Gateway == "mesh";
            foreach (var (resource, index) in owners)
            {
                var message = $"The VirtualServices {names} associated with {claim.Key.Gateway} define the same host \"{claim.Key.Host}\"";
                yield return mesh_
                    ? Diagnostic.For(Severity.Error, DiagnosticCodes.ConflictingMeshGatewayVirtualServiceHosts, resource, $"spec.hosts[{index}]",
                        message + " which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a single resource.")
                    : Diagnostic.For(Severity.Warning, DiagnosticCodes.ConflictingGatewayVirtualServiceHosts, resource, $"spec.hosts[{index}]",
                        message + "; their rules are merged in name order, so the first matching rule of the earliest name wins.");
            }
        }
    }
}
