using Envoy.Config.Route.V3;
using Trellis.Config;
using Trellis.Config.Model.Networking;
using Trellis.ControlPlane.Mesh;

namespace Trellis.ControlPlane.Translation;

/// <summary>Turns a VirtualService route's destinations into the cluster (or weighted clusters) of an
/// Envoy route action, for http and tcp routes alike.</summary>
internal sealed class DestinationClusters(MeshModel mesh, string vsNamespace)
{
    public void Apply(RouteAction action, IReadOnlyList<(Destination? Destination, int? Weight)> destinations)
    {
        if (destinations.Count == 1)
        {
            action.Cluster = ClusterFor(destinations[0].Destination);
            return;
        }
        var weighted = new WeightedCluster();
        foreach (var d in destinations)
        {
            if (d.Weight is 0) continue;
            weighted.Clusters.Add(new WeightedCluster.Types.ClusterWeight { Name = ClusterFor(d.Destination), Weight = (uint)(d.Weight ?? 0) });
        }
        if (weighted.Clusters.Count == 1) action.Cluster = weighted.Clusters[0].Name;
        else action.WeightedClusters = weighted;
    }

    private string ClusterFor(Destination? destination)
    {
        var service = mesh.FindService(destination?.Host ?? "", vsNamespace);
        var host = service?.Fqdn ?? HostName.Resolve(destination?.Host ?? "", vsNamespace);
        var port = destination?.Port?.Number
                   ?? (service?.Ports.Count == 1 ? service.Ports[0].Port : (int?)null)
                   ?? 80;
        return ClusterNames.Outbound(port, string.IsNullOrEmpty(destination?.Subset) ? null : destination.Subset, host);
    }
}
