using Trellis.Config.Semantics;

namespace Trellis.Config.Analysis;

/// <summary>IST0101: a VirtualService routes to a subset that the DestinationRule applying to one of its clients
/// does not define. A mesh-bound VirtualService's clients are the workloads of its namespace; a gateway-bound
/// one's client is the ingress gateway, which runs in the root namespace.</summary>
internal sealed class DestinationSubsetCheck : IMeshCheck
{
    public IEnumerable<Diagnostic> Check(MeshIndex mesh)
    {
        foreach (var (resource, spec) in mesh.VirtualServices)
        {
            var ns = MeshIndex.Ns(resource);
            var clients = VirtualServiceDestinations.Gateways(spec, ns)
                .Select(g => g.Gateway == "mesh" ? ns : mesh.RuleIndex.RootNamespace)
                .Distinct()
                .SelectMany(mesh.ClientsIn)
                .ToList();
            foreach (var (path, destination) in VirtualServiceDestinations.Of(spec))
            {
                if (string.IsNullOrEmpty(destination.Host) || string.IsNullOrEmpty(destination.Subset)) continue;
                foreach (var client in clients)
                {
                    var subsets = mesh.SubsetsFor(destination.Host, ns, client);
                    if (subsets.Contains(destination.Subset)) continue;
                    var whose = client.Namespace == ns ? "" : $" for clients in namespace {client.Namespace}";
                    yield return Diagnostic.For(Severity.Error, DiagnosticCodes.ReferencedResourceNotFound, resource, $"{path}.subset",
                        $"Referenced host+subset in destinationrule not found{whose}: \"{destination.Host}+{destination.Subset}\"{DidYouMean.Hint(destination.Subset, subsets)}");
                    break;
                }
            }
        }
    }
}
