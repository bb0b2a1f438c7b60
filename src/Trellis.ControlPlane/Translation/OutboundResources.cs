using System.Collections.Concurrent;
using Trellis.Config.Model;
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
    private readonly ConcurrentDictionary<string, Lazy<XdsResourceSet>> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<ProxyScope>> _scopes = new(StringComparer.Ordinal);
    private readonly Lazy<SourceLabelSelectors> _sourceLabels;
    private readonly IReadOnlyDictionary<string, OutboundView> _previousViews;

    private OutboundResources(MeshModel mesh, OutboundResources? previous)
    {
        _mesh = mesh;
        Interner = new ResourceInterner(previous?.Interner);
        _sourceLabels = new(() => new SourceLabelSelectors(mesh));
        _previousViews = previous is not null && ClustersCannotDiffer(previous._mesh, mesh)
            ? previous._views.Where(kv => kv.Value.IsValueCreated).ToDictionary(kv => kv.Key, kv => kv.Value.Value, StringComparer.Ordinal)
            : new Dictionary<string, OutboundView>();
    }

    /// <param name="previous">The last computation's, whose clusters and endpoints are kept where they cannot have changed,
    /// so a change to a VirtualService translates route tables only.</param>
    public static OutboundResources For(MeshModel mesh, OutboundResources? previous = null) => new(mesh, previous);

    /// <summary>The distinct resources of this computation, which the shared ones are interned in.</summary>
    public ResourceInterner Interner { get; }

    /// <summary>The proxy's scope, computed once per namespace and Sidecar: matching a Sidecar's egress against every
    /// VirtualService of the mesh for each proxy made most of a push's time (bench/cp-scale).</summary>
    public ProxyScope ScopeOf(ProxyNode node)
    {
        var sidecar = ProxyScope.SidecarOf(_mesh, node);
        return _scopes.GetOrAdd(ProxyScope.KeyOf(node.Namespace, sidecar),
            _ => new Lazy<ProxyScope>(() => ProxyScope.For(_mesh, node.Namespace, sidecar))).Value;
    }

    /// <summary>The clusters and endpoints as this proxy, whose scope is <paramref name="scope"/>, sees them.</summary>
    public OutboundView For(ProxyNode node, ProxyScope scope)
    {
        var key = ViewKey(node, scope);
        return _views.GetOrAdd(key, _ => new Lazy<OutboundView>(() =>
            _previousViews.TryGetValue(key, out var kept) && kept.Scope.SameDestinations(scope) ? kept : Translate(node, scope))).Value;
    }

    private OutboundView Translate(ProxyNode node, ProxyScope scope)
    {
        var client = DestinationRules.ClientOf(node);
        return new OutboundView(
            new XdsResourceSet(Interner.Intern(ClusterTranslator.Outbound(_mesh, client, scope)
                .Select(c => c.Name == ClusterNames.Passthrough ? PassthroughGuard.Apply(c, _mesh.Reserved) : c))),
            new XdsResourceSet(Interner.Intern(EndpointTranslator.Outbound(_mesh, client, scope))), scope);
    }

    /// <summary>Clusters and endpoints are translated from the workloads, the reserved ports and every kind but
    /// VirtualService, which reaches them only through the destinations of a Sidecar's scope (compared per scope).</summary>
    private static bool ClustersCannotDiffer(MeshModel before, MeshModel after)
    {
        static bool NotVirtualService(Resource r) => r.Kind != "VirtualService";
        return ReferenceEquals(before.Workloads, after.Workloads)
               && before.Reserved.Ports.Count == after.Reserved.Ports.Count
               && before.Reserved.Ports.All(p => after.Reserved.Ports.TryGetValue(p.Key, out var what) && what == p.Value)
               && before.Resources.Where(NotVirtualService).SequenceEqual(after.Resources.Where(NotVirtualService), ReferenceEqualityComparer.Instance);
    }

    /// <summary>The sidecar's outbound route table, as a set of one that every proxy of its group shares. Translation reads
    /// nothing else of the proxy than its namespace, the DestinationRules that select it (hash policies), its Sidecar and
    /// the sourceLabels it matches.</summary>
    public XdsResourceSet Routes(ProxyNode node, ProxyScope scope) =>
        _routes.GetOrAdd($"{ViewKey(node, scope)}#{_sourceLabels.Value.Signature(node.Labels)}",
            _ => new Lazy<XdsResourceSet>(() => new XdsResourceSet([Interner.Intern(MeshRouteTranslator.Outbound(_mesh, node, scope))]))).Value;

    /// <summary>What the proxy shares with others of its scope, as a digest: equal digests from two computations mean
    /// its shared clusters, endpoints and route table did not change. Gateways and proxyless clients, whose route
    /// tables are their own, get none (null).</summary>
    public string? SharedDigest(ProxyNode node)
    {
        if (node.Kind != ProxyKind.Sidecar) return null;
        var scope = ScopeOf(node);
        var view = For(node, scope);
        var routes = node.Port(ProxyNode.OutboundPortKey) is null ? "" : Routes(node, scope).ContentVersion;
        return $"{view.ClusterSet.ContentVersion}/{view.EndpointSet.ContentVersion}/{routes}";
    }

    private string ViewKey(ProxyNode node, ProxyScope scope) => $"{_mesh.DestinationRules.ScopeOf(DestinationRules.ClientOf(node))}#{scope.Key}";
}

/// <summary>Outbound clusters and their endpoints, for one DestinationRule scope and the <see cref="ProxyScope"/> they were
/// translated for, as the resource sets that every snapshot of the scope shares.</summary>
internal sealed record OutboundView(XdsResourceSet ClusterSet, XdsResourceSet EndpointSet, ProxyScope Scope);
