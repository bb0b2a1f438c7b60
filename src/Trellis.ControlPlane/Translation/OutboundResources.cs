using System.Collections.Concurrent;
using Envoy.Config.Cluster.V3;
using Envoy.Config.Endpoint.V3;
using Trellis.ControlPlane.Mesh;

namespace Trellis.ControlPlane.Translation;

/// <summary>The outbound clusters and endpoints of one mesh model, translated once per DestinationRule scope
/// (a namespace and the workloadSelector rules that select the proxy) and <see cref="ProxyScope"/> (its Sidecar), and
/// shared by every proxy in both, so a push to N proxies does not translate them N times.</summary>
internal sealed class OutboundResources
{
    private readonly MeshModel _mesh;
    private readonly ConcurrentDictionary<string, Lazy<OutboundView>> _byScope = new(StringComparer.Ordinal);

    private OutboundResources(MeshModel mesh) => _mesh = mesh;

    public static OutboundResources For(MeshModel mesh) => new(mesh);

    /// <summary>The clusters and endpoints as this proxy, whose scope is <paramref name="scope"/>, sees them.</summary>
    public OutboundView For(ProxyNode node, ProxyScope scope)
    {
        var client = DestinationRules.ClientOf(node);
        return _byScope.GetOrAdd($"{_mesh.DestinationRules.ScopeOf(client)}#{scope.Key}", _ => new Lazy<OutboundView>(() => new OutboundView(
            ClusterTranslator.Outbound(_mesh, client, scope)
                .Select(c => c.Name == ClusterNames.Passthrough ? PassthroughGuard.Apply(c, _mesh.Reserved) : c).ToList(),
            EndpointTranslator.Outbound(_mesh, client, scope).ToList()))).Value;
    }
}

/// <summary>Outbound clusters and their endpoints, for one DestinationRule scope.</summary>
internal sealed record OutboundView(IReadOnlyList<Cluster> Clusters, IReadOnlyList<ClusterLoadAssignment> Endpoints);
