using Envoy.Config.Route.V3;
using Trellis.Config.Model;
using Trellis.Config.Model.Networking;
using Trellis.ControlPlane.Mesh;

namespace Trellis.ControlPlane.Translation;

/// <summary>Builds the route table a sidecar uses for outbound traffic: a virtual host per service
/// port in its <see cref="ProxyScope"/>, routed by the mesh-bound VirtualService for that host, or straight to the
/// service; CONNECT tunnels are routed by <see cref="ConnectRoutes"/>, and destinations outside the scope by
/// <see cref="OutboundPolicyRoutes"/>.</summary>
internal static class MeshRouteTranslator
{
    public static RouteConfiguration Outbound(MeshModel mesh, ProxyNode node) => Outbound(mesh, node, ProxyScope.For(mesh, node));

    public static RouteConfiguration Outbound(MeshModel mesh, ProxyNode node, ProxyScope scope)
    {
        var config = new RouteConfiguration { Name = ClusterNames.OutboundRoute, ValidateClusters = false };
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (_, _, host) in VirtualHosts(mesh, node, scope, withTunnels: true))
        {
            config.VirtualHosts.Add(host);
            taken.UnionWith(host.Domains);
        }
        config.VirtualHosts.AddRange(OutboundPolicyRoutes.VirtualHosts(mesh, node, scope, taken));
        return config;
    }

    /// <summary>The virtual host of every service port in scope, without tunnel routes: proxyless gRPC clients' routes.</summary>
    public static IEnumerable<(ServiceModel Service, ServicePortModel Port, VirtualHost Host)> PerServicePort(MeshModel mesh, ProxyNode node, ProxyScope scope) =>
        VirtualHosts(mesh, node, scope, withTunnels: false);

    /// <param name="withTunnels">Adds the connect_matcher routes apps' CONNECT tunnels take (sidecars only;
    /// proxyless gRPC clients have no use for them).</param>
    private static IEnumerable<(ServiceModel Service, ServicePortModel Port, VirtualHost Host)> VirtualHosts(MeshModel mesh, ProxyNode node, ProxyScope scope,
        bool withTunnels)
    {
        foreach (var service in mesh.Services.OrderBy(s => s.Fqdn, StringComparer.Ordinal))
        {
            List<Resource>? candidates = null;
            foreach (var port in service.Ports)
            {
                // A service the proxy cannot see gets no virtual host: its requests meet the outbound traffic policy.
                if (!scope.Routes(service, port.Port)) continue;
                candidates ??= MeshVirtualServices(mesh, service, node.Namespace);
                var vs = candidates.FirstOrDefault(v => scope.ImportsVirtualService(v, port.Port));
                var host = new VirtualHost { Name = $"{service.Fqdn}:{port.Port}" };
                host.Domains.AddRange(ServiceDomains.For(service, port.Port, node.Namespace));
                if (withTunnels)
                {
                    if (port.IsTcp) host.Routes.AddRange(ConnectRoutes.ForTcpPort(mesh, vs, service, port.Port, node));
                    else host.Routes.Add(ConnectRoutes.IntoTunnelListener());
                }
                if (vs is not null)
                {
                    var translator = new HttpRouteTranslator(mesh, vs.Metadata.Namespace ?? "default");
                    host.Routes.AddRange(translator.Translate((VirtualServiceSpec)vs.Spec!, port.Port, GatewayRef.Mesh, node));
                }
                else
                {
                    var route = DefaultRoute(ClusterNames.Outbound(port.Port, null, service.Fqdn));
                    DestinationClusters.AddHashPolicy(route.Route_, mesh, service, null, port.Port, node);
                    host.Routes.Add(route);
                }
                yield return (service, port, host);
            }
        }
    }

    public static Route DefaultRoute(string cluster) => new()
    {
        Name = "default",
        Match = new RouteMatch { Prefix = "/" },
        Route_ = new RouteAction
        {
            Cluster = cluster,
            Timeout = new Google.Protobuf.WellKnownTypes.Duration(),
            RetryPolicy = RetryPolicies.From(null),
        },
    };

    /// <summary>The VirtualServices bound to the mesh that claim this service, in istiod's order of precedence
    /// (<see cref="VirtualServicePrecedence"/>). Which of them the client sees (exportTo, its Sidecar) is its
    /// <see cref="ProxyScope"/>'s to say.</summary>
    private static List<Resource> MeshVirtualServices(MeshModel mesh, ServiceModel service, string clientNamespace) =>
        VirtualServicePrecedence.Order(mesh, MeshVirtualServiceIndex.Of(mesh).Claiming(service.Fqdn), service.Fqdn, clientNamespace);
}
