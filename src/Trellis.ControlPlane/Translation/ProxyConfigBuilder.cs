using Envoy.Config.Cluster.V3;
using Envoy.Config.Listener.V3;
using Envoy.Config.Route.V3;
using Trellis.ControlPlane.Mesh;
using Trellis.ControlPlane.Translation.AccessLogs;
using Trellis.ControlPlane.Translation.Authorization;
using Trellis.ControlPlane.Translation.RequestAuthn;
using Trellis.ControlPlane.Translation.Gateway;
using Trellis.ControlPlane.Translation.Telemetry;
using Trellis.ControlPlane.Translation.Tracing;
using Trellis.Xds.Server;

namespace Trellis.ControlPlane.Translation;

/// <summary>Computes everything one proxy needs from the mesh model, by proxy kind.
/// Each xDS type has its own translator; this only decides which apply.</summary>
internal static class ProxyConfigBuilder
{
    public static ProxyResources Build(MeshModel mesh, ProxyNode node) => Build(mesh, OutboundResources.For(mesh), node);

    /// <summary>Builds with outbound clusters and endpoints computed once per mesh model and DestinationRule
    /// scope, and shared by every proxy in that scope.</summary>
    public static ProxyResources Build(MeshModel mesh, OutboundResources outbound, ProxyNode node)
    {
        if (node.Kind == ProxyKind.ProxylessGrpc) return ProxylessGrpcResources.Build(mesh, outbound, node);
        var listeners = new List<Listener>();
        var routes = new List<RouteConfiguration>();
        var scope = outbound.ScopeOf(node);
        var view = outbound.For(node, scope);
        var clusters = new List<Cluster>();
        XdsResourceSet? sharedRoutes = null;
        IReadOnlyList<Envoy.Extensions.TransportSockets.Tls.V3.Secret> secrets = [];
        IReadOnlyList<string> problems = [];
        var accessLogs = TelemetryAccessLogs.For(mesh, node);

        switch (node.Kind)
        {
            case ProxyKind.Sidecar:
                if (node.Port(ProxyNode.OutboundPortKey) is { } outboundPort)
                {
                    listeners.Add(ListenerTranslator.Outbound(outboundPort, accessLogs.Client));
                    listeners.Add(ListenerTranslator.OutboundTunnel(accessLogs.Client));
                    clusters.Add(ClusterTranslator.OutboundTunnel());
                    sharedRoutes = outbound.Routes(node, scope);
                }
                if (node.Port(ProxyNode.InboundPortKey) is { } inbound && node.Port(ProxyNode.AppPortKey) is { } app)
                {
                    var containerPort = node.Port(ProxyNode.ContainerPortKey) ?? app;
                    var mtls = mesh.PeerAuthentications.For(node.Namespace, node.Labels).ForPort(containerPort);
                    listeners.Add(ListenerTranslator.Inbound(inbound, containerPort, mtls.Mode, mesh.Settings, AuthorizationFilters.For(mesh, node), RequestAuthnFilters.For(mesh, node),
                        accessLogs.Server));
                    var service = mesh.Services.FirstOrDefault(s => s.Namespace == node.Namespace && s.Selects(node.Labels)
                        && s.Ports.Any(p => p.TargetPort == containerPort));
                    clusters.Add(ClusterTranslator.Inbound(containerPort, app, service));
                }
                break;
            case ProxyKind.Router:
                var httpsPort = node.Port(ProxyNode.HttpsPortKey);
                if (node.Port(ProxyNode.HttpPortKey) is { } http)
                {
                    listeners.Add(ListenerTranslator.Gateway(http, GatewayAddress(node), mesh.Settings.GatewayReasons, AuthorizationFilters.For(mesh, node), mesh.Settings,
                        RequestAuthnFilters.For(mesh, node), accessLogs.Client));
                    var gatewayRoutes = GatewayRouteTranslator.Build(mesh, node, http, httpsPort);
                    // Sidecars behind the gateway explain their local replies to it; outside clients must not see that.
                    if (!mesh.Settings.GatewayReasons) gatewayRoutes.ResponseHeadersToRemove.Add(OutboundPolicyRoutes.ReasonHeader);
                    routes.Add(gatewayRoutes);
                }
                if (httpsPort is { } secure)
                {
                    var tls = GatewaySecureServers.Build(mesh, node, secure, GatewayAddress(node), mesh.Settings.GatewayReasons, accessLogs.Client);
                    if (tls.Listener is not null) listeners.Add(tls.Listener);
                    routes.AddRange(tls.Routes);
                    (secrets, problems) = (tls.Secrets, tls.Problems);
                }
                var tcp = GatewayTcpServers.Build(mesh, node, GatewayAddress(node), GatewayPorts(mesh, http: node.Port(ProxyNode.HttpPortKey), https: httpsPort));
                listeners.AddRange(tcp.Listeners);
                problems = [.. problems, .. tcp.Problems];
                break;
        }
        var tracing = ProxyTracing.For(mesh, node);
        var stats = MetricOverrides.For(mesh, node);
        HcmTelemetry.Apply(listeners, new(tracing.Client, stats.Client), new(tracing.Server, stats.Server));
        return new ProxyResources(listeners, routes, clusters, []) { SharedRoutes = sharedRoutes, SharedClusters = view.ClusterSet, SharedEndpoints = view.EndpointSet, Secrets = secrets, Problems = [.. problems, .. RequestAuthnFilters.Problems(mesh, node), .. ProxyTracing.Problems(mesh, tracing)] };
    }

    /// <summary>The ports a gateway's TCP servers cannot have: its own HTTP and HTTPS ports, and the mesh's.</summary>
    private static Dictionary<int, string> GatewayPorts(MeshModel mesh, int? http, int? https)
    {
        var taken = new Dictionary<int, string>(mesh.Reserved.Ports);
        if (http is { } h) taken[h] = "the gateway's HTTP port";
        if (https is { } s) taken[s] = "the gateway's HTTPS port";
        return taken;
    }

    /// <summary>Where the gateway was told to listen; loopback unless it asked for an IP address explicitly.</summary>
    private static string GatewayAddress(ProxyNode node) =>
        node.Metadata.GetValueOrDefault(ProxyNode.HttpAddressKey) is { } address && System.Net.IPAddress.TryParse(address, out _) ? address : "127.0.0.1";
}
