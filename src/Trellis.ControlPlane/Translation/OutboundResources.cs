using Envoy.Config.Cluster.V3;
using Envoy.Config.Endpoint.V3;
using Trellis.ControlPlane.Mesh;

namespace Trellis.ControlPlane.Translation;

/// <summary>The clusters and endpoints every proxy shares for one mesh model.</summary>
internal sealed record OutboundResources(IReadOnlyList<Cluster> Clusters, IReadOnlyList<ClusterLoadAssignment> Endpoints)
{
    public static OutboundResources For(MeshModel mesh) =>
        new(ClusterTranslator.Outbound(mesh).Select(c => c.Name == ClusterNames.Passthrough ? PassthroughGuard.Apply(c, mesh.Reserved) : c).ToList(),
            EndpointTranslator.Outbound(mesh).ToList());
}
