using System.Runtime.CompilerServices;
using Trellis.Config;
using Trellis.Config.Model;
using Trellis.Config.Model.Networking;
using Trellis.ControlPlane.Mesh;

namespace Trellis.ControlPlane.Translation;

/// <summary>The VirtualServices bound to the mesh, by the hosts they claim, built once per mesh model. Finding a
/// service's VirtualServices is then a dictionary hit plus the few wildcard hosts; scanning every stored object for
/// every service of every proxy made a sidecar's route table quadratic in the mesh's size (bench/cp-scale).</summary>
internal sealed class MeshVirtualServiceIndex
{
    private static readonly ConditionalWeakTable<MeshModel, MeshVirtualServiceIndex> Built = new();

    private readonly Dictionary<string, List<(int Order, Resource VirtualService)>> _exact = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(int Order, string Pattern, Resource VirtualService)> _wildcards = [];

    private MeshVirtualServiceIndex(MeshModel mesh)
    {
        var order = 0;
        foreach (var resource in mesh.OfKind("VirtualService"))
        {
            var ns = resource.Metadata.Namespace ?? "default";
            if (resource.Spec is not VirtualServiceSpec spec || !GatewayRef.Bound(spec.Gateways, ns).Contains(GatewayRef.Mesh)) continue;
            foreach (var host in spec.Hosts ?? [])
            {
                foreach (var candidate in HostName.Candidates(host, ns))
                {
                    if (candidate.StartsWith('*')) _wildcards.Add((order, candidate, resource));
                    else if (_exact.TryGetValue(candidate, out var claimed)) claimed.Add((order, resource));
                    else _exact[candidate] = [(order, resource)];
                }
            }
            order++;
        }
    }

    public static MeshVirtualServiceIndex Of(MeshModel mesh) => Built.GetValue(mesh, static m => new MeshVirtualServiceIndex(m));

    /// <summary>The mesh-bound VirtualServices with a host covering <paramref name="fqdn"/>, each once, oldest first.</summary>
    public IEnumerable<Resource> Claiming(string fqdn)
    {
        IEnumerable<(int Order, Resource VirtualService)> exact = _exact.TryGetValue(fqdn, out var claimed) ? claimed : [];
        return exact
            .Concat(_wildcards.Where(w => HostName.Matches(w.Pattern, fqdn)).Select(w => (w.Order, w.VirtualService)))
            .OrderBy(e => e.Order)
            .Select(e => e.VirtualService)
            .Distinct(ReferenceEqualityComparer.Instance)
            .Cast<Resource>();
    }
}
