using Envoy.Config.Route.V3;
using Trellis.Config;
using Trellis.Config.Model.Networking;
using Trellis.ControlPlane.Mesh;

namespace Trellis.ControlPlane.Translation;

/// <summary>Turns a VirtualService route's destinations into the cluster (or weighted clusters) of an
/// Envoy route action, for http and tcp routes alike, with the hash policy of each destination whose
/// DestinationRule asks for consistent hashing (tcp routes can only hash on the source IP, as in Istio).</summary>
internal sealed class DestinationClusters(MeshModel mesh, string vsNamespace, bool tcp = false)
{
    /// <param name="client">The proxy the route is for: its DestinationRules decide the hash policy.</param>
    /// <param name="listenerPort">The service port being routed (mesh routes): as istiod's GetDestinationCluster, a
    /// destination without a port of a service with several ports takes this one; 80 when there is none (gateways).</param>
    public void Apply(RouteAction action, IReadOnlyList<(Destination? Destination, int? Weight)> destinations, ProxyNode client, int? listenerPort = null)
    {
        if (destinations.Count == 1)
        {
            action.Cluster = ClusterFor(destinations[0].Destination, action, client, listenerPort);
            return;
        }
        var weighted = new WeightedCluster();
        foreach (var d in destinations)
        {
            if (d.Weight is 0) continue;
            weighted.Clusters.Add(new WeightedCluster.Types.ClusterWeight { Name = ClusterFor(d.Destination, action, client, listenerPort), Weight = (uint)(d.Weight ?? 0) });
        }
        if (weighted.Clusters.Count == 1) action.Cluster = weighted.Clusters[0].Name;
        else action.WeightedClusters = weighted;
    }

    /// <summary>The cluster a destination names, as a route to it would (a mirror's copies go there).</summary>
    public string ClusterName(Destination destination, ProxyNode client, int? listenerPort) => ClusterFor(destination, null, client, listenerPort);

    /// <param name="action">The route action whose hash policy the destination's DestinationRule may add to; null for none.</param>
    private string ClusterFor(Destination? destination, RouteAction? action, ProxyNode client, int? listenerPort)
    {
        var service = mesh.FindService(destination?.Host ?? "", vsNamespace);
        var host = service?.Fqdn ?? HostName.Resolve(destination?.Host ?? "", vsNamespace);
        var port = destination?.Port?.Number
                   ?? (service?.Ports.Count == 1 ? service.Ports[0].Port : (int?)null)
                   ?? listenerPort
                   ?? 80;
        var subset = string.IsNullOrEmpty(destination?.Subset) ? null : destination.Subset;
        if (service is not null && action is not null) AddHashPolicy(action, mesh, service, subset, port, client, tcp);
        return ClusterNames.Outbound(port, subset, host);
    }

    /// <summary>Appends the hash policy of the DestinationRule that applies to the client's traffic to this service,
    /// for this subset and port, if any.</summary>
    public static void AddHashPolicy(RouteAction action, MeshModel mesh, ServiceModel service, string? subset, int port, ProxyNode client, bool tcp = false)
    {
        var rule = DestinationRules.For(mesh, service, DestinationRules.ClientOf(client));
        var policy = LoadBalancing.HashPolicy(rule?.LoadBalancer(subset, port));
        if (policy is null || (tcp && policy.PolicySpecifierCase != RouteAction.Types.HashPolicy.PolicySpecifierOneofCase.ConnectionProperties)) return;
        action.HashPolicy.Add(policy);
    }
}
