using Envoy.Config.Core.V3;
using Envoy.Config.Route.V3;
using Trellis.Config.Model.Networking;
using Trellis.ControlPlane.Mesh;

namespace Trellis.ControlPlane.Translation;

/// <summary>What a sidecar does with outbound traffic that names no service in its <see cref="ProxyScope"/>, from the
/// outboundTrafficPolicy of its Sidecar or else the mesh config: the control plane's ports are refused (403) whatever
/// the mode, and pods' own ports under ALLOW_ANY; ServiceEntry hosts in scope pass through; every other destination
/// passes through under ALLOW_ANY or, under REGISTRY_ONLY (Trellis's default), gets a 502 from Istio's block_all
/// virtual host. Refusals are direct responses whose x-trellis-reason says why, so any Envoy given this route table
/// answers the same.</summary>
internal static class OutboundPolicyRoutes
{
    public const string ReasonHeader = "x-trellis-reason";

    /// <summary>The spellings of this machine a client may put in a Host or CONNECT authority.</summary>
    private static readonly string[] LocalHosts = ["127.0.0.1", "localhost", "[::1]", "0.0.0.0", "[::]"];

    /// <summary>The virtual hosts that follow the services' own; <paramref name="taken"/> holds the domains
    /// already claimed, which earlier virtual hosts keep (Envoy rejects a domain claimed twice).</summary>
    public static IEnumerable<VirtualHost> VirtualHosts(MeshModel mesh, ProxyNode node, ProxyScope scope, ISet<string> taken)
    {
        foreach (var (port, what) in mesh.Reserved.ControlPlaneOrdered)
        {
            var reason = $"port {port} is {what}: not a mesh destination, so no outbound policy leads there";
            if (Claim(Refusal($"reserved_{port}", 403, reason), LocalHosts.Select(h => $"{h}:{port}"), taken) is { } host) yield return host;
        }
        // Pods' ports need refusing only where passthrough would reach them. Under REGISTRY_ONLY, block_all refuses them
        // as it refuses every destination outside the registry: listing thousands of ports per route table, five
        // spellings each, made most of every proxy's routes (bench/cp-scale). One host for all of them, as a virtual
        // host per port did the same; the passthrough cluster's guard also refuses them after any spelling.
        if (scope.AllowAny)
        {
            var podPorts = mesh.Reserved.PodPortsOrdered.SelectMany(port => LocalHosts.Select(h => $"{h}:{port}"));
            if (Claim(Refusal("reserved_pod_ports", 403, PodPortReason), podPorts, taken) is { } pods) yield return pods;
        }
        foreach (var (name, domains) in ServiceEntryHosts(mesh, scope))
            if (Claim(Passthrough(name), domains, taken) is { } host) yield return host;
        yield return scope.AllowAny ? Passthrough("allow_any", "*") : Refusal("block_all", 502, BlockAllReason(scope), "*");
    }

    private const string PodPortReason = "the port is a pod's own (its app's, or its sidecar's admin or outbound port): " +
                                         "not a mesh destination, so no outbound policy leads there; call the pod's service instead";

    private static string BlockAllReason(ProxyScope scope)
    {
        if (scope.Sidecar is not { } sidecar)
            return "not a mesh service or ServiceEntry host, and outboundTrafficPolicy is REGISTRY_ONLY " +
                   "(the default); add a ServiceEntry or set mode ALLOW_ANY in ConfigMap istio-system/istio";
        var name = $"Sidecar {sidecar.Metadata.Namespace}/{sidecar.Metadata.Name}";
        var policy = scope.PolicyFromSidecar ? $"the {name}'s outboundTrafficPolicy is REGISTRY_ONLY" : "outboundTrafficPolicy is REGISTRY_ONLY";
        return $"not a mesh service or ServiceEntry host that {name} imports (its egress hosts), and {policy}; " +
               "add the host to the Sidecar's egress hosts or set mode ALLOW_ANY";
    }

    /// <summary>host:port of every ServiceEntry host in the proxy's scope.</summary>
    private static IEnumerable<(string Name, IEnumerable<string> Domains)> ServiceEntryHosts(MeshModel mesh, ProxyScope scope)
    {
        var entries = mesh.OfKind("ServiceEntry")
            .Where(r => r.Spec is ServiceEntrySpec)
            .OrderBy(r => r.Metadata.Namespace, StringComparer.Ordinal).ThenBy(r => r.Metadata.Name, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var spec = (ServiceEntrySpec)entry.Spec!;
            foreach (var hostName in spec.Hosts ?? [])
                foreach (var port in (spec.Ports ?? []).Where(p => p.Number is not null))
                {
                    var number = port.Number!.Value;
                    if (!scope.ImportsServiceEntryHost(entry, hostName, number)) continue;
                    var domains = number == 80 ? new[] { $"{hostName}:{number}", hostName } : [$"{hostName}:{number}"];
                    yield return ($"{hostName}:{number}", domains);
                }
        }
    }

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

    private static VirtualHost Refusal(string name, uint status, string reason, params string[] domains) => new()
    {
        Name = name,
        Domains = { domains },
        Routes =
        {
            Refuse(name, status, reason, new RouteMatch { ConnectMatcher = new RouteMatch.Types.ConnectMatcher() }),
            Refuse(name, status, reason, new RouteMatch { Prefix = "/" }),
        },
    };

    private static Route Refuse(string name, uint status, string reason, RouteMatch match) => new()
    {
        Name = name,
        Match = match,
        DirectResponse = new DirectResponseAction { Status = status, Body = new DataSource { InlineString = reason + "\n" } },
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
