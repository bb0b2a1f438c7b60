using Trellis.Config.Model;
using Trellis.Config.Semantics;

namespace Trellis.Config.Analysis;

/// <summary>IST0109: several VirtualServices claim one host on the mesh (undefined behaviour, an error); on a named
/// gateway Istio merges them, so Trellis warns (TRL0109). As Istio's ConflictingMeshGatewayHostsAnalyzer, mesh claims
/// conflict only where their exportTo lets one namespace see both: VirtualServices exported to different namespaces
/// (each namespace its own override, say) are fine.</summary>
internal sealed class ConflictingHostsCheck : IMeshCheck
{
    public IEnumerable<Diagnostic> Check(MeshIndex mesh)
    {
        var claims = (from vs in mesh.VirtualServices
                      let ns = MeshIndex.Ns(vs.Resource)
                      from gateway in VirtualServiceDestinations.Gateways(vs.Spec, ns)
                      from host in (vs.Spec.Hosts ?? []).Select((h, i) => (Host: HostName.Resolve(h, ns), Index: i))
                      select new Claim(vs.Resource, host.Index, gateway.Gateway, host.Host)).ToList();
        foreach (var diagnostic in MeshConflicts(mesh, claims.Where(c => c.Gateway == GatewayMesh).ToList())) yield return diagnostic;
        foreach (var claim in claims.Where(c => c.Gateway != GatewayMesh).GroupBy(c => (c.Gateway, c.Host)))
        {
            var owners = claim.DistinctBy(c => c.Resource.Ref).ToList();
            if (owners.Count < 2) continue;
            foreach (var owner in owners)
                yield return Diagnostic.For(Severity.Warning, DiagnosticCodes.ConflictingGatewayVirtualServiceHosts, owner.Resource, $"spec.hosts[{owner.Index}]",
                    $"{Message(owners, claim.Key.Gateway, claim.Key.Host)}; their rules are merged in name order, so the first matching rule of the earliest name wins.");
        }
    }

    private const string GatewayMesh = "mesh";

    /// <summary>Claims grouped by the namespaces that see them (every one, or each namespace of the exportTo): a group
    /// scoped to some namespaces also conflicts with the public claims of an overlapping host, which they see too.</summary>
    private static IEnumerable<Diagnostic> MeshConflicts(MeshIndex mesh, List<Claim> claims)
    {
        var defaults = mesh.Settings.ExportToDefaults.VirtualService;
        var scoped = claims.SelectMany(c => ScopesOf(c.Resource, defaults).Select(scope => (Scope: scope, Claim: c))).ToList();
        var reported = new HashSet<(ObjectRef, int)>();
        foreach (var group in scoped.GroupBy(s => (s.Scope, s.Claim.Host)))
        {
            var owners = group.Select(s => s.Claim).ToList();
            if (group.Key.Scope != ExportTo.Public)
                owners.AddRange(scoped.Where(s => s.Scope == ExportTo.Public && HostName.Overlaps(s.Claim.Host, group.Key.Host)).Select(s => s.Claim));
            owners = owners.DistinctBy(c => c.Resource.Ref).ToList();
            if (owners.Count < 2) continue;
            foreach (var owner in owners.Where(o => reported.Add((o.Resource.Ref, o.Index))))
                yield return Diagnostic.For(Severity.Error, DiagnosticCodes.ConflictingMeshGatewayVirtualServiceHosts, owner.Resource, $"spec.hosts[{owner.Index}]",
                    $"{Message(owners, GatewayMesh, group.Key.Host)} which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a single resource.");
        }
    }

    /// <summary>"*" when every namespace sees the VirtualService, else each namespace of its exportTo ("." is its own);
    /// an unset exportTo takes the mesh config's defaultVirtualServiceExportTo, as the proxies do.</summary>
    private static IEnumerable<string> ScopesOf(Resource virtualService, IReadOnlyList<string> defaults)
    {
        var exportTo = ((Model.Networking.VirtualServiceSpec)virtualService.Spec!).ExportTo is { Count: > 0 } set ? set : defaults;
        if (exportTo.Contains(ExportTo.Public)) return [ExportTo.Public];
        return exportTo.Where(e => e != ExportTo.None).Select(e => e == ExportTo.Private ? MeshIndex.Ns(virtualService) : e).Distinct();
    }

    private static string Message(IEnumerable<Claim> owners, string gateway, string host) =>
        $"The VirtualServices {string.Join(",", owners.Select(o => $"{o.Resource.Metadata.Namespace}/{o.Resource.Metadata.Name}"))} associated with {gateway} define the same host \"{host}\"";

    private sealed record Claim(Resource Resource, int Index, string Gateway, string Host);
}
