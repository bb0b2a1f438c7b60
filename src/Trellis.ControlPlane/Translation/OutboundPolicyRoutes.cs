using Envoy.Config.Core.V3;
using Envoy.Config.Route.V3;
using Trellis.Config.Model.Networking;
using Trellis.ControlPlane.Mesh;

namespace Trellis.ControlPlane.Translation;

/// <summary>What a sidecar does with outbound traffic that names no mesh service, from the mesh config's
/// outboundTrafficPolicy: the mesh's own ports are refused whatever the mode, ServiceEntry hosts pass
/// through, and every other destination passes through under ALLOW_ANY or is refused under REGISTRY_ONLY
/// (Trellis's default), as Istio's block_all virtual host does. Refusals are direct 403 responses whose
/// x-trellis-reason says why, so any Envoy given this route table answers the same.</summary>
internal static class OutboundPolicyRoutes
{
    public const string ReasonHeader = "x-trellis-reason";

    /// <summary>The spellings of this machine a client may put in a Host or CONNECT authority.</summary>
    private static readonly string[] LocalHosts = ["127.0.0.1", "localhost", "[::1]", "0.0.0.0", "[::]"];

    /// <summary>The virtual hosts that follow the services' own; <paramref name="taken"/> holds the domains
    /// already claimed, which earlier virtual hosts keep (Envoy rejects a domain claimed twice).</summary>
    public static IEnumerable<VirtualHost> VirtualHosts(MeshModel mesh, ProxyNode node, ISet<string> taken)
    {
        foreach (var (port, what) in mesh.Reserved.Ordered)
        {
            var reason = $"port {port} is {what}: not a mesh destination, so no outbound policy leads there";
            if (Claim(Refusal($"reserved_{port}", reason), LocalHosts.Select(h => $"{h}:{port}"), taken) is { } host) yield return host;
        }
        foreach (var (name, domains) in ServiceEntryHosts(mesh, node))
            if (Claim(Passthrough(name), domains, taken) is { } host) yield return host;
        yield return mesh.Settings.AllowAny
            ? Passthrough("allow_any", "*")
            : Refusal("block_all", "not a mesh service or ServiceEntry host, and outboundTrafficPolicy is REGISTRY_ONLY " +
                                   "(the default); add a ServiceEntry or set mode ALLOW_ANY in ConfigMap istio-system/istio", "*");
    }

    /// <summary>host:port of every ServiceEntry exported to the client's namespace.</summary>
    private static IEnumerable<(string Name, IEnumerable<string> Domains)> ServiceEntryHosts(MeshModel mesh, ProxyNode node)
    {
        var entries = mesh.OfKind("ServiceEntry")
            .Where(r => r.Spec is ServiceEntrySpec spec && ExportedTo(spec, r.Metadata.Namespace ?? "default", node.Namespace))
            .OrderBy(r => r.Metadata.Namespace, StringComparer.Ordinal).ThenBy(r => r.Metadata.Name, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var spec = (ServiceEntrySpec)entry.Spec!;
            foreach (var hostName in spec.Hosts ?? [])
                foreach (var port in (spec.Ports ?? []).Where(p => p.Number is not null))
                {
                    var number = port.Number!.Value;
                    var domains = number == 80 ? new[] { $"{hostName}:{number}", hostName } : [$"{hostName}:{number}"];
                    yield return ($"{hostName}:{number}", domains);
                }
        }
    }

    /// <summary>Istio's exportTo: absent or "*" is every namespace, "." the entry's own, otherwise the names listed.</summary>
    private static bool ExportedTo(ServiceEntrySpec spec, string entryNamespace, string client) =>
        spec.ExportTo is not { Count: > 0 } exports
        || exports.Any(e => e == "*" || (e == "." ? entryNamespace == client : e == client));

    private static VirtualHost? Claim(VirtualHost host, IEnumerable<string> domains, ISet<string> taken)
    {
        foreach (var domain in domains)
            if (taken.Add(domain)) host.Domains.Add(domain);
        return host.Domains.Count > 0 ? host : null;
    }

    private static VirtualHost Passthrough(string name, params string[] domains) => new()
    {
        Name = name,
        Domains = { domains },
        Routes =
        {
            ConnectRoutes.Passthrough(name),
            new Route { Name = name, Match = new RouteMatch { Prefix = "/" }, Route_ = new RouteAction { Cluster = ClusterNames.Passthrough, Timeout = new Google.Protobuf.WellKnownTypes.Duration() } },
        },
    };

    private static VirtualHost Refusal(string name, string reason, params string[] domains) => new()
    {
        Name = name,
        Domains = { domains },
        Routes = { Refuse(name, reason, new RouteMatch { ConnectMatcher = new RouteMatch.Types.ConnectMatcher() }), Refuse(name, reason, new RouteMatch { Prefix = "/" }) },
    };

    private static Route Refuse(string name, string reason, RouteMatch match) => new()
    {
        Name = name,
        Match = match,
        DirectResponse = new DirectResponseAction { Status = 403, Body = new DataSource { InlineString = reason + "\n" } },
        ResponseHeadersToAdd =
        {
            new HeaderValueOption
            {
                Header = new HeaderValue { Key = ReasonHeader, Value = reason },
                AppendAction = HeaderValueOption.Types.HeaderAppendAction.OverwriteIfExistsOrAdd,
            },
        },
    };
}
