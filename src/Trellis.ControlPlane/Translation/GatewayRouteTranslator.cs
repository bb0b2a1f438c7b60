using Trellis.Config;
using Envoy.Config.Route.V3;
using Trellis.Config.Model;
using Trellis.Config.Model.Networking;
using Trellis.Config.Semantics;
using Trellis.ControlPlane.Mesh;

namespace Trellis.ControlPlane.Translation;

/// <summary>Builds an ingress gateway's route tables from the Istio Gateways that select it and the
/// VirtualServices bound to them (hosts intersected with each server's hosts): one for its plaintext HTTP servers,
/// one per HTTPS server.</summary>
internal static class GatewayRouteTranslator
{
    public static IReadOnlyList<Resource> GatewaysFor(MeshModel mesh, ProxyNode node) =>
        mesh.OfKind("Gateway")
            .Where(g => g.Spec is GatewaySpec spec && spec.Selector is { Count: > 0 } selector
                        && selector.All(kv => node.Labels.TryGetValue(kv.Key, out var v) && v == kv.Value))
            .OrderBy(g => g.Metadata.Namespace).ThenBy(g => g.Metadata.Name)
            .ToList();

    /// <summary>The route table of the gateway's HTTP servers. <paramref name="httpsPort"/> is where its HTTPS
    /// servers listen, which an httpsRedirect sends clients to.</summary>
    public static RouteConfiguration Build(MeshModel mesh, ProxyNode node, int localPort, int? httpsPort = null) =>
        Build(mesh, node, ClusterNames.GatewayRoute(localPort), localPort, (_, s) => IsHttp(s.Port?.Protocol), httpsPort);

    /// <summary>The route table of the servers <paramref name="serves"/> picks among the gateways that select the node.</summary>
    public static RouteConfiguration Build(MeshModel mesh, ProxyNode node, string name, int localPort, Func<Resource, Server, bool> serves, int? httpsPort = null)
    {
        var config = new RouteConfiguration { Name = name, ValidateClusters = false };
        var hosts = new Dictionary<string, VirtualHost>(StringComparer.OrdinalIgnoreCase);
        foreach (var gateway in GatewaysFor(mesh, node))
        {
            var gatewayKey = $"{gateway.Metadata.Namespace}/{gateway.Metadata.Name}";
            var servers = (((GatewaySpec)gateway.Spec!).Servers ?? []).Where(s => serves(gateway, s)).ToList();
            var serverHosts = servers.SelectMany(s => (s.Hosts ?? []).Select(h => (Host: StripNamespace(h), Redirect: s.Tls?.HttpsRedirect == true))).ToList();
            // Oldest first, as istiod orders the VirtualServices of a gateway: their routes for a shared host are appended in that order.
            foreach (var vsResource in mesh.OfKind("VirtualService"))
            {
                var vs = (VirtualServiceSpec)vsResource.Spec!;
                var vsNamespace = vsResource.Metadata.Namespace ?? "default";
                // As istiod, a gateway sees the VirtualServices exported to its own namespace.
                if (!GatewayRef.Bound(vs.Gateways, vsNamespace).Contains(gatewayKey) || !ExportTo.Allows(vs.ExportTo, mesh.Settings.ExportToDefaults.VirtualService, vsNamespace, node.Namespace)) continue;
                foreach (var vsHost in vs.Hosts ?? [])
                {
                    var server = serverHosts.FindIndex(s => HostName.Overlaps(s.Host, vsHost));
                    if (server < 0) continue;
                    if (!hosts.TryGetValue(vsHost, out var vhost))
                    {
                        vhost = hosts[vsHost] = VirtualHostFor(vsHost, localPort);
                        config.VirtualHosts.Add(vhost);
                        if (serverHosts[server].Redirect) vhost.Routes.Add(HttpsRedirect(httpsPort));
                    }
                    if (vhost.Routes is [{ Redirect.HttpsRedirect: true }]) continue;
                    var translator = new HttpRouteTranslator(mesh, vsNamespace);
                    vhost.Routes.AddRange(translator.Translate(vs, null, gatewayKey, node, localPort));
                }
            }
            // As istiod: an httpsRedirect server redirects its hosts even when no VirtualService serves them over HTTP.
            foreach (var (host, redirect) in serverHosts)
            {
                if (!redirect || hosts.ContainsKey(host)) continue;
                var vhost = hosts[host] = VirtualHostFor(host, localPort);
                vhost.Routes.Add(HttpsRedirect(httpsPort));
                config.VirtualHosts.Add(vhost);
            }
        }
        return config;
    }

    private static VirtualHost VirtualHostFor(string host, int localPort)
    {
        var vhost = new VirtualHost { Name = $"{host}:{localPort}" };
        vhost.Domains.Add(host);
        if (host != "*") vhost.Domains.Add($"{host}:*");
        return vhost;
    }

    /// <summary>Envoy's require_tls ALL: a 301 to the same host and path over https. The gateway's HTTPS servers
    /// listen on <paramref name="httpsPort"/> (local mode maps 443 there), so the redirect names it unless it is 443.</summary>
    private static Route HttpsRedirect(int? httpsPort)
    {
        var redirect = new RedirectAction { HttpsRedirect = true };
        if (httpsPort is { } port and not 443) redirect.PortRedirect = (uint)port;
        return new Route { Name = "https-redirect", Match = new RouteMatch { Prefix = "/" }, Redirect = redirect };
    }

    private static bool IsHttp(string? protocol) =>
        protocol?.ToUpperInvariant() is "HTTP" or "HTTP2" or "GRPC" or null;

    /// <summary>Gateway server hosts may be written "namespace/host"; only the host part matters here.</summary>
    public static string StripNamespace(string host) => host.Contains('/') ? host[(host.IndexOf('/') + 1)..] : host;
}
