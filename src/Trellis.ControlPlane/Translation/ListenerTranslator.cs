using Envoy.Config.Core.V3;
using Envoy.Config.Listener.V3;
using Envoy.Config.Route.V3;
using Envoy.Extensions.Filters.Http.Fault.V3;
using Envoy.Extensions.Filters.Http.Router.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.ControlPlane.Mesh;

namespace Trellis.ControlPlane.Translation;

/// <summary>Builds LDS resources: a sidecar's outbound (HTTP proxy, also taking CONNECT), outbound tunnel
/// and inbound listeners, a gateway's HTTP listener, and the API listeners proxyless gRPC clients resolve.</summary>
internal static class ListenerTranslator
{
    public const string HcmFilterName = "envoy.filters.network.http_connection_manager";
    public const string RouterFilterName = "envoy.filters.http.router";

    public static Listener Outbound(int port) => new()
    {
        Name = ClusterNames.OutboundListener,
        Address = Addresses.Loopback(port),
        TrafficDirection = TrafficDirection.Outbound,
        FilterChains = { Chain(Hcm("outbound_0.0.0.0_" + port, rds: ClusterNames.OutboundRoute, connect: true)) },
    };

    /// <summary>Serves the HTTP inside CONNECT tunnels that outbound routes terminate, with the same routes.</summary>
    public static Listener OutboundTunnel() => new()
    {
        Name = ClusterNames.OutboundTunnel,
        InternalListener = new Listener.Types.InternalListenerConfig(),
        TrafficDirection = TrafficDirection.Outbound,
        FilterChains = { Chain(Hcm(ClusterNames.OutboundTunnel, rds: ClusterNames.OutboundRoute)) },
    };

    public static Listener Inbound(int port, int containerPort) => new()
    {
        Name = ClusterNames.InboundListener,
        Address = Addresses.Loopback(port),
        TrafficDirection = TrafficDirection.Inbound,
        FilterChains =
        {
            Chain(Hcm($"inbound_0.0.0.0_{containerPort}", connect: true, inline: new RouteConfiguration
            {
                Name = ClusterNames.Inbound(containerPort),
                ValidateClusters = false,
                VirtualHosts =
                {
                    new VirtualHost
                    {
                        Name = $"inbound|http|{containerPort}",
                        Domains = { "*" },
                        Routes =
                        {
                            ConnectRoutes.IntoApp(ClusterNames.Inbound(containerPort)),
                            new Route
                            {
                                Name = "default",
                                Match = new RouteMatch { Prefix = "/" },
                                Route_ = new RouteAction { Cluster = ClusterNames.Inbound(containerPort), Timeout = new Duration() },
                            },
                        },
                    },
                },
            })),
        },
    };

    /// <summary>The gateway's HTTP listener, bound on <paramref name="address"/> but named as Istio names it
    /// (0.0.0.0_port), so tools keyed on that name keep working. Its clients are outside the mesh: unless
    /// <paramref name="showReasons"/>, its router suppresses the headers that explain local replies.</summary>
    public static Listener Gateway(int port, string address, bool showReasons) => new()
    {
        Name = ClusterNames.GatewayListener(port),
        Address = Addresses.Socket(address, port),
        FilterChains = { Chain(Hcm($"outbound_0.0.0.0_{port}", rds: ClusterNames.GatewayRoute(port), suppressEnvoyHeaders: !showReasons)) },
    };

    /// <summary>The HCM of one of the gateway's HTTPS filter chains, behind its TLS termination.</summary>
    public static Filter GatewayHcmFilter(string statPrefix, string rds, bool showReasons) =>
        new() { Name = HcmFilterName, TypedConfig = Any.Pack(Hcm(statPrefix, rds: rds, suppressEnvoyHeaders: !showReasons)) };

    /// <summary>gRPC's xDS resolver asks for a listener named exactly as the target "host:port".</summary>
    public static Listener Api(string name, string routeName) => new()
    {
        Name = name,
        ApiListener = new ApiListener { ApiListener_ = Any.Pack(Hcm(name, rds: routeName)) },
    };

    private static FilterChain Chain(HttpConnectionManager hcm) => new()
    {
        Filters = { new Filter { Name = HcmFilterName, TypedConfig = Any.Pack(hcm) } },
    };

    private static HttpConnectionManager Hcm(string statPrefix, string? rds = null, RouteConfiguration? inline = null, bool connect = false, bool suppressEnvoyHeaders = false)
    {
        var hcm = new HttpConnectionManager
        {
            StatPrefix = statPrefix,
            CodecType = HttpConnectionManager.Types.CodecType.Auto,
            HttpFilters =
            {
                // Per-route faults (a VirtualService's http[].fault) configure it; with none it passes requests on.
                new HttpFilter { Name = FaultTranslator.FilterName, TypedConfig = Any.Pack(new HTTPFault()) },
                new HttpFilter { Name = RouterFilterName, TypedConfig = Any.Pack(new Router { SuppressEnvoyHeaders = suppressEnvoyHeaders }) },
            },
        };
        if (connect) hcm.UpgradeConfigs.Add(new HttpConnectionManager.Types.UpgradeConfig { UpgradeType = "CONNECT" });
        if (inline is not null) hcm.RouteConfig = inline;
        else hcm.Rds = new Rds
        {
            RouteConfigName = rds,
            ConfigSource = new ConfigSource { Ads = new AggregatedConfigSource(), ResourceApiVersion = ApiVersion.V3 },
        };
        return hcm;
    }
}
