using System.Collections.Concurrent;
using Envoy.Config.Cluster.V3;
using Envoy.Config.Endpoint.V3;
using Envoy.Config.Route.V3;
using Trellis.ControlPlane.Mesh;
using Trellis.Xds.Server;

namespace Trellis.ControlPlane.Translation;

/// <summary>The outbound clusters, endpoints and route tables of one mesh model, translated once per group of proxies that
/// see them alike and shared by every proxy of the group, so a push to N proxies does not translate them N times, and a
/// control plane serving N proxies does not hold N copies. Clusters and endpoints depend on the DestinationRule scope (a
/// namespace and the workloadSelector rules that select the proxy) and the <see cref="ProxyScope"/> (its Sidecar); a route
/// table also on which VirtualService sourceLabels the proxy carries.</summary>
internal sealed class OutboundResources
{
    private readonly MeshModel _mesh;
    private readonly ConcurrentDictionary<string, Lazy<OutboundView>> _views = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<RouteConfiguration>> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<ProxyScope>> _scopes = new(StringComparer.Ordinal);
    private readonly Lazy<SourceLabelSelectors> _sourceLabels;

    private OutboundResources(MeshModel mesh)
    {
        _mesh = mesh;
        _sourceLabels = new(() => new SourceLabelSelectors(mesh));
    }

    public static OutboundResources For(MeshModel mesh) => new(mesh);

    /// <summary>The distinct resources of this computation, which the shared ones are interned in.</summary>
    public ResourceInterner Interner { get; } = new();

    /// <summary>The proxy's scope, computed once per namespace and Sidecar: matching a Sidecar's egress against every
    /// VirtualService of the mesh for each proxy made most of a push's time (bench/cp-scale).</summary>
    public ProxyScope ScopeOf(ProxyNode node)
    {
        var sidecar = ProxyScope.SidecarOf(_mesh, node);
        return _scopes.GetOrAdd($"{node.Namespace}|{sidecar?.Metadata.Namespace}/{sidecar?.Metadata.Name}",
            _ => new Lazy<ProxyScope>(() => ProxyScope.For(_mesh, node.Namespace, sidecar))).Value;
    }

    /// <summary>The clusters and endpoints as this proxy, whose scope is <paramref name="scope"/>, sees them.</summary>
    public OutboundView For(ProxyNode node, ProxyScope scope)
    {
        var client = DestinationRules.ClientOf(node);
        return _views.GetOrAdd(ViewKey(node, scope), _ => new Lazy<OutboundView>(() => new OutboundView(
            Interner.Intern(ClusterTranslator.Outbound(_mesh, client, scope)
                .Select(c => c.Name == ClusterNames.Passthrough ? PassthroughGuard.Apply(c, _mesh.Reserved) : c)),
            Interner.Intern(EndpointTranslator.Outbound(_mesh, client, scope))))).Value;
    }

    /// <summary>The sidecar's outbound route table. Translation reads nothing else of the proxy than its namespace, the
    /// DestinationRules that select it (hash policies), its Sidecar and the sourceLabels it matches.</summary>
    public RouteConfiguration Routes(ProxyNode node, ProxyScope scope) =>
        _routes.GetOrAdd($"{ViewKey(node, scope)}#{_sourceLabels.Value.Signature(node.Labels)}",
            _ => new Lazy<RouteConfiguration>(() => Interner.Intern(MeshRouteTranslator.Outbound(_mesh, node, scope)))).Value;

    private string ViewKey(ProxyNode node, ProxyScope scope) => $"{_mesh.DestinationRules.ScopeOf(DestinationRules.ClientOf(node))}#{scope.Key}";
}

/// <summary>Outbound clusters and their endpoints, for one DestinationRule scope, with the resource sets that every
/// snapshot of the scope shares.</summary>
internal sealed record OutboundView(IReadOnlyList<Cluster> Clusters, IReadOnlyList<ClusterLoadAssignment> Endpoints)
{
    public XdsResourceSet ClusterSet { get; } = new(Clusters);
    public XdsResourceSet EndpointSet { get; } = new(Endpoints);
}
