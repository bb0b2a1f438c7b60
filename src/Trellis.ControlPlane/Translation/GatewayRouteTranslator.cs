using Trellis.Config;
using Envoy.Config.Route.V3;
using Trellis.Config.Model;
using Trellis.Config.Model.Networking;
using Trellis.ControlPlane.Mesh;

namespace Trellis.ControlPlane.Translation;

/// <summary>Builds an ingress gateway's route table from the Istio Gateways that select it and the
/// VirtualServices bound to them (hosts intersected with each server's hosts).</summary>
internal static class GatewayRouteTranslator
{
    public static IReadOnlyList<Resource> GatewaysFor(MeshModel mesh, ProxyNode node) =>
        mesh.OfKind("Gateway")
            .Where(g => g.Spec is GatewaySpec spec && spec.Selector is { Count: > 0 } selector
                        && selector.All(kv => node.Labels.TryGetValue(kv.Key, out var v) && v == kv.Value))
            .OrderBy(g => g.Metadata.Namespace).ThenBy(g => g.Metadata.Name)
            .ToList();

    public static RouteConfiguration Build(MeshModel mesh, ProxyNode node, int localPort)
    {
        var config = new RouteConfiguration { Name = ClusterNames.GatewayRoute(localPort), ValidateClusters = false };
        var hosts = new Dictionary<string, VirtualHost>(StringComparer.OrdinalIgnoreCase);
        foreach (var gateway in GatewaysFor(mesh, node))
        {
            var gatewayKey = $"{gateway.Metadata.Namespace}/{gateway.Metadata.Name}";
            var servers = ((GatewaySpec)gateway.Spec!).Servers ?? [];
            var serverHosts = servers.Where(s => IsHttp(s.Port?.Protocol))
                .SelectMany(s => (s.Hosts ?? []).Select(StripNamespace)).ToList();
            foreach (var vsResource in mesh.OfKind("VirtualService").OrderBy(r => r.Metadata.Name, StringComparer.Ordinal))
            {
                var vs = (VirtualServiceSpec)vsResource.Spec!;
                var vsNamespace = vsResource.Metadata.Namespace ?? "default";
                if (!GatewayRef.Bound(vs.Gateways, vsNamespace).Contains(gatewayKey)) continue;
                foreach (var vsHost in vs.Hosts ?? [])
                {
                    if (!serverHosts.Any(s => HostName.Overlaps(s, vsHost))) continue;
                    if (!hosts.TryGetValue(vsHost, out var vhost))
                    {
                        vhost = new VirtualHost { Name = $"{vsHost}:{localPort}" };
                        vhost.Domains.Add(vsHost);
                        if (vsHost != "*") vhost.Domains.Add($"{vsHost}:*");
                        hosts[vsHost] = vhost;
                        config.VirtualHosts.Add(vhost);
                    }
                    var translator = new HttpRouteTranslator(mesh, vsNamespace);
                    vhost.Routes.AddRange(translator.Translate(vs, null, gatewayKey, node));
                }
            }
        }
        return config;
    }

    private static bool IsHttp(string? protocol) =>
        protocol?.ToUpperInvariant() is "HTTP" or "HTTP2" or "GRPC" or null;

    /// <summary>Gateway server hosts may be written "namespace/host"; only the host part matters here.</summary>
    private static string StripNamespace(string host) => host.Contains('/') ? host[(host.IndexOf('/') + 1)..] : host;
}
