using Envoy.Config.Listener.V3;
using Envoy.Config.Route.V3;
using Envoy.Extensions.Filters.Listener.TlsInspector.V3;
using Envoy.Extensions.TransportSockets.Tls.V3;
using Trellis.Config;
using Trellis.Config.Model;
using Trellis.Config.Model.Networking;
using Trellis.ControlPlane.Mesh;
using Trellis.Xds;

namespace Trellis.ControlPlane.Translation.Gateway;

/// <summary>What a gateway's HTTPS and TLS servers become: one listener whose filter chains are picked by SNI
/// (tls_inspector), a route table per HTTPS server, the credential Secrets those chains name, and why any server
/// is left out. A server that cannot be served securely is left out whole; it is never served without TLS.</summary>
internal sealed record GatewaySecureServers(Listener? Listener, IReadOnlyList<RouteConfiguration> Routes, IReadOnlyList<Secret> Secrets, IReadOnlyList<string> Problems)
{
    public const string TlsInspectorName = "envoy.filters.listener.tls_inspector";

    /// <summary>The servers with protocol HTTPS or TLS of the gateways that select <paramref name="node"/>, on the
    /// gateway's secure port (<paramref name="port"/>; local mode maps the servers' port numbers, 443 usually, there).</summary>
    public static GatewaySecureServers Build(MeshModel mesh, ProxyNode node, int port, string address, bool showReasons,
        IReadOnlyList<Envoy.Config.Accesslog.V3.AccessLog> accessLogs)
    {
        var chains = new List<FilterChain>();
        var routes = new List<RouteConfiguration>();
        var secrets = new Dictionary<string, Secret>(StringComparer.Ordinal);
        var problems = new List<string>();
        var taken = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var gateway in GatewayRouteTranslator.GatewaysFor(mesh, node))
        {
            var servers = ((GatewaySpec)gateway.Spec!).Servers ?? [];
            for (var i = 0; i < servers.Count; i++)
            {
                var server = servers[i];
                var protocol = server.Port?.Protocol?.ToUpperInvariant();
                if (protocol is not ("HTTPS" or "TLS")) continue;
                var label = $"Gateway {gateway.Metadata.Namespace}/{gateway.Metadata.Name} spec.servers[{i}]";
                var context = new GatewayServer(mesh, node, gateway, server, i, label, port);
                // As istiod: an HTTPS server in PASSTHROUGH is a TLS server (Istio's "without TLS termination" example).
                var built = protocol == "HTTPS" && server.Tls?.Mode != "PASSTHROUGH" ? Https(context, showReasons, routes, accessLogs) : Tls(context);
                foreach (var (chain, needs) in built.Chains)
                {
                    if (!Resolve(mesh, node, server, needs, secrets, out var problem))
                    {
                        problems.Add($"{label}: not served: {problem}");
                        break;
                    }
                    var key = string.Join(",", (chain.FilterChainMatch?.ServerNames ?? []).Order(StringComparer.OrdinalIgnoreCase));
                    if (taken.TryGetValue(key, out var owner))
                    {
                        problems.Add($"{label}: SNI [{(key.Length == 0 ? "*" : key)}] is already served by {owner}; this chain is left out");
                        continue;
                    }
                    taken[key] = label;
                    chains.Add(chain);
                }
                problems.AddRange(built.Problems.Select(p => $"{label}: {p}"));
            }
        }
        if (chains.Count == 0) return new GatewaySecureServers(null, routes, [.. secrets.Values], problems);
        var listener = new Listener
        {
            Name = ClusterNames.GatewayListener(port),
            Address = Addresses.Socket(address, port),
            ListenerFilters = { new ListenerFilter { Name = TlsInspectorName, TypedConfig = XdsAny.Pack(new TlsInspector()) } },
            FilterChains = { chains },
        };
        return new GatewaySecureServers(listener, routes, [.. secrets.Values], problems);
    }

    /// <summary>A chain and the credential it needs before it may be served (null: none from Secrets).</summary>
    private sealed record Built(IReadOnlyList<(FilterChain Chain, ServerTlsSettings? Needs)> Chains, IReadOnlyList<string> Problems);

    /// <summary>An HTTPS server: TLS terminated with the server's certificate for its hosts, then the HCM with the
    /// VirtualServices bound to the gateway for those hosts (route table <c>https.PORT.PORTNAME.GATEWAY.NAMESPACE</c>).</summary>
    private static Built Https(GatewayServer s, bool showReasons, List<RouteConfiguration> routes, IReadOnlyList<Envoy.Config.Accesslog.V3.AccessLog> accessLogs)
    {
        var tls = s.Server.Tls;
        if (tls?.Mode is not ("SIMPLE" or "MUTUAL" or "OPTIONAL_MUTUAL" or "ISTIO_MUTUAL"))
            return new Built([], [$"not served: an HTTPS server needs tls.mode SIMPLE, MUTUAL, OPTIONAL_MUTUAL or ISTIO_MUTUAL, not {tls?.Mode ?? "none"}"]);
        var routeName = $"https.{s.Number}.{s.Server.Port?.Name}.{s.Gateway.Metadata.Name}.{s.Gateway.Metadata.Namespace}";
        var server = s.Server;
        var gateway = s.Gateway;
        var table = GatewayRouteTranslator.Build(s.Mesh, s.Node, routeName, s.LocalPort, (g, candidate) => ReferenceEquals(g, gateway) && ReferenceEquals(candidate, server));
        if (!showReasons) table.ResponseHeadersToRemove.Add(OutboundPolicyRoutes.ReasonHeader);
        routes.Add(table);
        var chain = new FilterChain
        {
            Name = s.ChainName,
            FilterChainMatch = Match(s.Hosts),
            TransportSocket = GatewayTlsContext.Build(tls, http: true),
            Filters = { ListenerTranslator.GatewayHcmFilter($"outbound_0.0.0.0_{s.Number}", routeName, showReasons, accessLogs) },
        };
        return new Built([(chain, tls)], []);
    }

    /// <summary>A TLS server: PASSTHROUGH forwards the still-encrypted bytes by SNI to the VirtualServices' tls routes;
    /// any other mode terminates TLS and forwards the bytes to the first matching tcp route.</summary>
    private static Built Tls(GatewayServer s)
    {
        var tls = s.Server.Tls;
        return tls?.Mode switch
        {
            "PASSTHROUGH" => Passthrough(s),
            "SIMPLE" or "MUTUAL" or "OPTIONAL_MUTUAL" or "ISTIO_MUTUAL" => Terminated(s, tls),
            _ => new Built([], [$"not served: tls.mode {tls?.Mode ?? "(none)"} is not supported on a TLS server"]),
        };
    }

    private static Built Passthrough(GatewayServer s)
    {
        var chains = new List<(FilterChain, ServerTlsSettings?)>();
        var problems = new List<string>();
        foreach (var (vs, vsNamespace) in GatewayTcpRoutes.BoundVirtualServices(s))
        {
            foreach (var route in vs.Tls ?? [])
            {
                foreach (var match in route.Match ?? [])
                {
                    if (match.Port is { } p && p != s.Number) continue;
                    if (match.Gateways is { Count: > 0 } only && !only.Select(g => GatewayRef.Normalize(g, vsNamespace)).Contains(s.GatewayKey)) continue;
                    var sni = (match.SniHosts ?? []).Where(h => s.Hosts.Any(host => HostName.Overlaps(host, h))).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
                    if (sni.Count == 0) continue;
                    if (route.Route is not { Count: > 0 } destinations)
                    {
                        problems.Add($"tls route for [{string.Join(", ", sni)}] has no destination");
                        continue;
                    }
                    chains.Add((new FilterChain
                    {
                        Name = $"{s.ChainName}/{string.Join(",", sni)}",
                        FilterChainMatch = Match(sni),
                        Filters = { GatewayTcpRoutes.TcpProxy(s, vsNamespace, destinations) },
                    }, null));
                }
            }
        }
        if (chains.Count == 0) problems.Add("no VirtualService tls route matches its hosts and port: no SNI is forwarded");
        return new Built(chains, problems);
    }

    private static Built Terminated(GatewayServer s, ServerTlsSettings tls)
    {
        if (GatewayTcpRoutes.Forward(s) is not { } forward)
            return new Built([], ["not served: no VirtualService tcp route for its hosts and port takes the terminated connections"]);
        var chain = new FilterChain
        {
            Name = s.ChainName,
            FilterChainMatch = Match(s.Hosts),
            TransportSocket = GatewayTlsContext.Build(tls, http: false),
            Filters = { forward },
        };
        return new Built([(chain, tls)], []);
    }

    /// <summary>Server names as Envoy matches them; a "*" host matches any name, so the chain has none.</summary>
    private static FilterChainMatch? Match(IReadOnlyList<string> hosts)
    {
        if (hosts.Contains("*")) return null;
        var match = new FilterChainMatch();
        match.ServerNames.Add(hosts);
        return match;
    }

    /// <summary>Adds the Secrets a terminating chain names; false with why the chain cannot be served.</summary>
    private static bool Resolve(MeshModel mesh, ProxyNode node, Server server, ServerTlsSettings? tls, Dictionary<string, Secret> secrets, out string? problem)
    {
        problem = null;
        if (tls is null || tls.Mode == "ISTIO_MUTUAL") return true;
        if (tls.CredentialName is not { Length: > 0 } credential)
        {
            if (tls.ServerCertificate is { Length: > 0 } && tls.PrivateKey is { Length: > 0 }) return true;
            problem = "it names no credentialName (nor serverCertificate and privateKey); credentialNames and tlsCertificates are not supported";
            return false;
        }
        if (GatewayCredentials.Certificate(mesh, node.Namespace, credential, out problem) is not { } certificate) return false;
        Secret? validation = null;
        if (tls.Mode is "MUTUAL" or "OPTIONAL_MUTUAL" && (validation = GatewayCredentials.Validation(mesh, node.Namespace, credential, out problem)) is null) return false;
        secrets[certificate.Name] = certificate;
        if (validation is not null) secrets[validation.Name] = validation;
        return true;
    }
}
