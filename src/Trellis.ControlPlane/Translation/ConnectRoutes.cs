using Envoy.Config.Route.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.Config.Model.Networking;
using Trellis.ControlPlane.Mesh;

namespace Trellis.ControlPlane.Translation;

/// <summary>The connect_matcher routes of a sidecar: how CONNECT tunnels that apps open through their
/// HTTP proxy are routed. HTTP ports terminate the tunnel into the outbound tunnel listener, so each
/// request inside is routed like a plain proxy request; TCP ports forward the CONNECT to a destination
/// sidecar chosen by the VirtualService's tcp routes, as Istio routes TCP per connection, closing connections that
/// idle or live longer than the DestinationRule allows, as Istio's tcp_proxy does.</summary>
internal static class ConnectRoutes
{
    /// <summary>The tunnel's bytes are served as HTTP by the outbound tunnel listener.</summary>
    public static Route IntoTunnelListener() => Route("tunnel", ClusterNames.OutboundTunnel, terminate: true);

    /// <summary>Destinations outside the registry that the outbound policy lets through: the proxy dials the CONNECT target itself.</summary>
    public static Route Passthrough(string name) => Route(name, ClusterNames.Passthrough, terminate: true);

    /// <summary>A destination sidecar's inbound side: the tunnel ends at the app.</summary>
    public static Route IntoApp(string inboundCluster) => Route("inbound", inboundCluster, terminate: true);

    /// <summary>The VirtualService's tcp routes that apply to this port and client, then the service itself.</summary>
    public static IEnumerable<Route> ForTcpPort(MeshModel mesh, Config.Model.Resource? vs, ServiceModel service, int port, ProxyNode node)
    {
        foreach (var (route, target) in TcpRoutes(mesh, vs, service, port, node))
        {
            // Istio reads the rule of the first destination's service; a destination outside the registry has none.
            var limits = target is null ? default : TcpConnectionLimits.Of(mesh, target, node);
            if (limits.Idle is { } idle) route.Route_.IdleTimeout = idle;
            if (limits.MaxDuration is { } max) route.Route_.MaxStreamDuration = new RouteAction.Types.MaxStreamDuration { MaxStreamDuration_ = max };
            yield return route;
        }
    }

    private static IEnumerable<(Route Route, ServiceModel? Target)> TcpRoutes(MeshModel mesh, Config.Model.Resource? vs, ServiceModel service, int port, ProxyNode node)
    {
        if (vs?.Spec is VirtualServiceSpec spec)
        {
            var vsNamespace = vs.Metadata.Namespace ?? "default";
            var destinations = new DestinationClusters(mesh, vsNamespace, tcp: true);
            for (var i = 0; i < (spec.Tcp?.Count ?? 0); i++)
            {
                var tcp = spec.Tcp![i];
                if (tcp.Route is not { Count: > 0 } route || !Applies(tcp.Match, port, node, vsNamespace)) continue;
                var connect = Route($"{vs.Metadata.Name}.tcp[{i}]", "", terminate: false);
                destinations.Apply(connect.Route_, route.Select(d => (d.Destination, d.Weight)).ToList(), node, port);
                yield return (connect, mesh.FindService(route[0].Destination?.Host ?? "", vsNamespace));
                // The first tcp route that applies takes every connection, as in Istio.
                yield break;
            }
        }
        var direct = Route("default", ClusterNames.Outbound(port, null, service.Fqdn), terminate: false);
        DestinationClusters.AddHashPolicy(direct.Route_, mesh, service, null, port, node, tcp: true);
        yield return (direct, service);
    }

    /// <summary>Istio's L4 match: any one match block applies (an absent list matches everything).</summary>
    private static bool Applies(IReadOnlyList<L4MatchAttributes>? matches, int port, ProxyNode node, string vsNamespace) =>
        matches is not { Count: > 0 } || matches.Any(m =>
            (m.Port is null || m.Port == port)
            && (m.SourceNamespace is null || m.SourceNamespace == node.Namespace)
            && (m.Gateways is not { Count: > 0 } gws || gws.Any(g => GatewayRef.Normalize(g, vsNamespace) == GatewayRef.Mesh))
            && (m.SourceLabels is not { Count: > 0 } labels || labels.All(kv => node.Labels.TryGetValue(kv.Key, out var v) && v == kv.Value))
            // Services have no cluster IPs in local mode, so a subnet match cannot select them.
            && m.DestinationSubnets is not { Count: > 0 });

    private static Route Route(string name, string cluster, bool terminate)
    {
        var upgrade = new RouteAction.Types.UpgradeConfig { UpgradeType = "CONNECT" };
        if (terminate) upgrade.ConnectConfig = new RouteAction.Types.UpgradeConfig.Types.ConnectConfig();
        var action = new RouteAction { Timeout = new Duration(), UpgradeConfigs = { upgrade } };
        if (cluster.Length > 0) action.Cluster = cluster;
        return new Route { Name = name, Match = new RouteMatch { ConnectMatcher = new RouteMatch.Types.ConnectMatcher() }, Route_ = action };
    }
}
