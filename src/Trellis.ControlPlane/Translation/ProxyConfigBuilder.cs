using Envoy.Config.Cluster.V3;
using Envoy.Config.Endpoint.V3;
using Envoy.Config.Listener.V3;
using Envoy.Config.Route.V3;
using Trellis.ControlPlane.Mesh;

namespace Trellis.ControlPlane.Translation;

/// <summary>Computes everything one proxy needs from the mesh model, by proxy kind.
/// Each xDS type has its own translator; this only decides which apply.</summary>
internal static class ProxyConfigBuilder
{
    public static ProxyResources Build(MeshModel mesh, ProxyNode node) => Build(mesh, OutboundResources.For(mesh), node);

    /// <summary>Builds with outbound clusters and endpoints computed once per mesh model and shared by
    /// every proxy, so a push to N proxies does not translate them N times.</summary>
    public static ProxyResources Build(MeshModel mesh, OutboundResources outbound, ProxyNode node)
    {
        var listeners = new List<Listener>();
        var routes = new List<RouteConfiguration>();
        var clusters = outbound.Clusters.ToList();
        var endpoints = outbound.Endpoints;

        switch (node.Kind)
        {
            case ProxyKind.Sidecar:
                if (node.Port(ProxyNode.OutboundPortKey) is { } outboundPort)
                {
                    listeners.Add(ListenerTranslator.Outbound(outboundPort));
                    listeners.Add(ListenerTranslator.OutboundTunnel());
                    clusters.Add(ClusterTranslator.OutboundTunnel());
                    routes.Add(MeshRouteTranslator.Outbound(mesh, node));
                }
                if (node.Port(ProxyNode.InboundPortKey) is { } inbound && node.Port(ProxyNode.AppPortKey) is { } app)
                {
                    var containerPort = node.Port(ProxyNode.ContainerPortKey) ?? app;
                    listeners.Add(ListenerTranslator.Inbound(inbound, containerPort));
                    var service = mesh.Services.FirstOrDefault(s => s.Namespace == node.Namespace && s.Selects(node.Labels)
                        && s.Ports.Any(p => p.TargetPort == containerPort));
                    clusters.Add(ClusterTranslator.Inbound(containerPort, app, service));
                }
                break;
            case ProxyKind.Router:
                if (node.Port(ProxyNode.HttpPortKey) is { } http)
                {
                    listeners.Add(ListenerTranslator.Gateway(http));
                    routes.Add(GatewayRouteTranslator.Build(mesh, node, http));
                }
                break;
            case ProxyKind.Proxyless:
                foreach (var route in MeshRouteTranslator.PerService(mesh, node))
                {
                    routes.Add(route);
                    listeners.Add(ListenerTranslator.Api(route.Name, route.Name));
                }
                // gRPC clients only accept clusters it can balance itself: drop Istio's special ones.
                clusters.RemoveAll(c => c.Type != Cluster.Types.DiscoveryType.Eds);
                break;
        }
        return new ProxyResources(listeners, routes, clusters, endpoints);
    }
}
