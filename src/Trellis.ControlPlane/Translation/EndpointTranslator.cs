using Envoy.Config.Core.V3;
using Envoy.Config.Endpoint.V3;
using Trellis.Config.Semantics;
using Trellis.ControlPlane.Mesh;
using Trellis.ControlPlane.Translation.Mtls;

namespace Trellis.ControlPlane.Translation;

/// <summary>Builds the EDS resources: for every outbound cluster, the ready pods behind it,
/// addressed at their sidecar's inbound port.</summary>
internal static class EndpointTranslator
{
    /// <summary>The outbound endpoints as <paramref name="client"/> sees them: its DestinationRules define the subsets,
    /// its <paramref name="scope"/> (all services when null) which services it has clusters for.</summary>
    public static IEnumerable<ClusterLoadAssignment> Outbound(MeshModel mesh, DestinationRuleClient client, ProxyScope? scope = null)
    {
        foreach (var service in mesh.Services)
        {
            var ports = service.Ports.Where(p => scope?.HasCluster(service, p.Port) != false).ToList();
            if (ports.Count == 0) continue;
            var endpoints = mesh.Endpoints(service).ToList();
            var rule = DestinationRules.For(mesh, service, client);
            foreach (var port in ports)
            {
                var mutualTls = endpoints.Where(w => EndpointTlsMode.AcceptsIstioMutualTls(mesh, w, port.TargetPort)).ToHashSet();
                yield return Assignment(ClusterNames.Outbound(port.Port, null, service.Fqdn), endpoints, mutualTls);
                foreach (var subset in rule?.Subsets ?? [])
                    yield return Assignment(
                        ClusterNames.Outbound(port.Port, subset.Name, service.Fqdn),
                        endpoints.Where(w => w.HasLabels(subset.Labels)), mutualTls);
            }
        }
    }

    /// <summary>As istiod builds it: the endpoints in one locality, which always carries a Locality (empty in local
    /// mode, where pods have no region or zone) and the sum of its endpoints' weights, since gRPC clients reject a
    /// locality without one and skip one without weight. No endpoints, no locality.</summary>
    private static ClusterLoadAssignment Assignment(string cluster, IEnumerable<WorkloadModel> workloads, HashSet<WorkloadModel> mutualTls)
    {
        var assignment = new ClusterLoadAssignment { ClusterName = cluster };
        var locality = new LocalityLbEndpoints { Locality = new Locality() };
        foreach (var w in workloads.OrderBy(w => w.PodName, StringComparer.Ordinal))
            locality.LbEndpoints.Add(ClusterTranslator.Endpoint(Addresses.Socket(w.Address, w.InboundPort), w, mutualTls.Contains(w)));
        if (locality.LbEndpoints.Count == 0) return assignment;
        locality.LoadBalancingWeight = (uint)locality.LbEndpoints.Count;
        assignment.Endpoints.Add(locality);
        return assignment;
    }
}
