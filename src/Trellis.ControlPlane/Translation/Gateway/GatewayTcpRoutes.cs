using Envoy.Config.Listener.V3;
using Envoy.Config.Route.V3;
using Trellis.Config;
using Trellis.Config.Model.Networking;

namespace Trellis.ControlPlane.Translation.Gateway;

/// <summary>Where a gateway server forwards the bytes of its connections: the VirtualServices bound to its gateway for its
/// hosts, and their <c>tcp</c> (or <c>tls</c>) routes, as istiod's gateway TCP filter chains take them.</summary>
internal static class GatewayTcpRoutes
{
    /// <summary>tcp_proxy to the first tcp route whose match takes this server's port and gateway; null when none does.</summary>
    public static Filter? Forward(GatewayServer s)
    {
        foreach (var (vs, vsNamespace) in BoundVirtualServices(s))
        {
            foreach (var route in vs.Tcp ?? [])
            {
                var matches = route.Match is not { Count: > 0 } m || m.Any(x => (x.Port is null || x.Port == s.Number)
                    && (x.Gateways is not { Count: > 0 } g || g.Select(r => GatewayRef.Normalize(r, vsNamespace)).Contains(s.GatewayKey)));
                if (matches && route.Route is { Count: > 0 } destinations) return TcpProxy(s, vsNamespace, destinations);
            }
        }
        return null;
    }

    /// <summary>The VirtualServices bound to the server's gateway with a host among its hosts, in a stable order.</summary>
    public static IEnumerable<(VirtualServiceSpec Spec, string Namespace)> BoundVirtualServices(GatewayServer s)
    {
        foreach (var resource in s.Mesh.OfKind("VirtualService").OrderBy(r => r.Metadata.Namespace).ThenBy(r => r.Metadata.Name, StringComparer.Ordinal))
        {
            var vs = (VirtualServiceSpec)resource.Spec!;
            var ns = resource.Metadata.Namespace ?? "default";
            if (!GatewayRef.Bound(vs.Gateways, ns).Contains(s.GatewayKey)) continue;
            if (!(vs.Hosts ?? []).Any(h => s.Hosts.Any(host => HostName.Overlaps(host, h)))) continue;
            yield return (vs, ns);
        }
    }

    public static Filter TcpProxy(GatewayServer s, string vsNamespace, IReadOnlyList<RouteDestination> destinations)
    {
        // The same cluster names (and weights) an HTTP route to these destinations would get.
        var action = new RouteAction();
        new DestinationClusters(s.Mesh, vsNamespace, tcp: true).Apply(action, destinations.Select(d => (d.Destination, d.Weight)).ToList(), s.Node);
        // A mesh service's endpoints are its sidecars, whose inbound side takes TCP as a CONNECT it ends at the app
        // (as a sidecar's own tcp routes reach it); the sidecar routes every CONNECT to its app, whatever the authority.
        var first = destinations[0].Destination;
        var service = s.Mesh.FindService(first?.Host ?? "", vsNamespace);
        var tunnel = service is null ? null : $"{service.Fqdn}:{first?.Port?.Number ?? (service.Ports.Count == 1 ? service.Ports[0].Port : 80)}";
        return TcpProxyFilter.For(action, tunnel, service is null ? default : TcpConnectionLimits.Of(s.Mesh, service, s.Node));
    }
}
