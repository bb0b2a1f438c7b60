using Trellis.Config;
using Trellis.Config.Model;
using Trellis.Config.Model.Networking;
using Trellis.Config.Semantics;
using Trellis.ControlPlane.Mesh;

namespace Trellis.ControlPlane.Translation;

/// <summary>Which of the mesh-bound VirtualServices claiming a service shapes a sidecar's traffic to it, in istiod's
/// order: the most specific host first (an exact host, then the longest wildcard, as its mostSpecificWildcardVsIndex);
/// then those exported to the client's namespace privately, then by name, then publicly (the order
/// SelectVirtualServices imports them in); then the oldest. The first one the proxy's scope imports applies: istiod
/// drops a later VirtualService's virtual host for the same host as a duplicate.</summary>
internal static class VirtualServicePrecedence
{
    private const int Exact = int.MaxValue;

    /// <param name="claimantsOldestFirst">The VirtualServices with a host covering <paramref name="fqdn"/>, in creation order.</param>
    public static List<Resource> Order(MeshModel mesh, IEnumerable<Resource> claimantsOldestFirst, string fqdn, string clientNamespace)
    {
        var defaults = mesh.Settings.ExportToDefaults.VirtualService;
        return claimantsOldestFirst
            .Select((virtualService, age) => (VirtualService: virtualService, Age: age))
            .OrderByDescending(c => Specificity(c.VirtualService, fqdn))
            .ThenBy(c => Tier(c.VirtualService, defaults, clientNamespace))
            .ThenBy(c => c.Age)
            .Select(c => c.VirtualService)
            .ToList();
    }

    /// <summary>How closely the VirtualService's hosts name <paramref name="fqdn"/>: exact, else the longest covering wildcard.</summary>
    private static int Specificity(Resource virtualService, string fqdn)
    {
        var ns = virtualService.Metadata.Namespace ?? "default";
        var best = -1;
        foreach (var host in ((VirtualServiceSpec)virtualService.Spec!).Hosts ?? [])
            foreach (var candidate in HostName.Candidates(host, ns))
            {
                if (string.Equals(candidate, fqdn, StringComparison.OrdinalIgnoreCase)) return Exact;
                if (candidate.StartsWith('*') && HostName.Matches(candidate, fqdn)) best = Math.Max(best, candidate.Length);
            }
        return best;
    }

    /// <summary>0: exported to its own namespace, the client's (istiod's private index); 1: exported to the client's
    /// namespace by name; 2: exported to every namespace; 3: not exported to the client (its scope will not import it).</summary>
    private static int Tier(Resource virtualService, IReadOnlyList<string> defaults, string clientNamespace)
    {
        var ns = virtualService.Metadata.Namespace ?? "default";
        var exportTo = ((VirtualServiceSpec)virtualService.Spec!).ExportTo is { Count: > 0 } set ? set : defaults;
        if (exportTo.Contains(ExportTo.Public)) return 2;
        var toClient = exportTo.Any(e => e == clientNamespace || (e == ExportTo.Private && ns == clientNamespace));
        return !toClient ? 3 : ns == clientNamespace ? 0 : 1;
    }
}
