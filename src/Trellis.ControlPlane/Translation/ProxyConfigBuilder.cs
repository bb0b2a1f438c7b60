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
    public static ProxyResources Build(MeshModel mesh, ProxyNode node)
    {
        var listeners = new List<Listener>();
        var routes = new List<RouteConfiguration>();
        var clusters = ClusterTranslator.Outbound(mesh).ToList();
        var endpoints = EndpointTranslator.Outbound(mesh).ToList();

        switch (node.Kind)
        {
            case ProxyKind.Sidecar:
                if (node.Port(ProxyNode.OutboundPortKey) is { } outbound)
                {
                    listeners.Add(ListenerTranslator.Outbound(outbound));
                    routes.Add(MeshRouteTranslator.Outbound(mesh, node));
                }
                if (node.Port(ProxyNode.InboundPortKey) is { } inbound && node.Port(ProxyNode.AppPortKey) is { } app)
                {
                    var containerPort = node.Port(ProxyNode.ContainerPortKey) ?? app;
                    listeners.Add(ListenerTranslator.Inbound(inbound, containerPort));
                    clusters.Add(ClusterTranslator.Inbound(containerPort, app));
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
