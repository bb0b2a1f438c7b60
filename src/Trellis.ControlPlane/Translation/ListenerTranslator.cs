using Envoy.Config.Core.V3;
using Envoy.Config.Listener.V3;
using Envoy.Config.Route.V3;
using Envoy.Extensions.Filters.Http.Fault.V3;
using Envoy.Extensions.Filters.Http.Router.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.Config.Model.Mesh;
using Trellis.Config.Semantics;
using Trellis.ControlPlane.Mesh;
using Trellis.ControlPlane.Translation.AccessLogs;
using Envoy.Config.Accesslog.V3;
using Trellis.ControlPlane.Translation.Authorization;
using Trellis.ControlPlane.Translation.Mtls;
using Trellis.Xds;

namespace Trellis.ControlPlane.Translation;

/// <summary>Builds LDS resources: a sidecar's outbound (HTTP proxy, also taking CONNECT), outbound tunnel
/// and inbound listeners, a gateway's HTTP listener, and the API listeners proxyless gRPC clients resolve.</summary>
internal static class ListenerTranslator
{
    public const string HcmFilterName = "envoy.filters.network.http_connection_manager";
    public const string RouterFilterName = "envoy.filters.http.router";

    /// <param name="accessLogs">The proxy's client-side access logs (<see cref="TelemetryAccessLogs"/>).</param>
    public static Listener Outbound(int port, IReadOnlyList<AccessLog> accessLogs) => new()
    {
        Name = ClusterNames.OutboundListener,
        Address = Addresses.Loopback(port),
        TrafficDirection = TrafficDirection.Outbound,
        FilterChains = { Chain(Hcm("outbound_0.0.0.0_" + port, rds: ClusterNames.OutboundRoute, connect: true, accessLogs: accessLogs)) },
    };

    /// <summary>Serves the HTTP inside CONNECT tunnels that outbound routes terminate, with the same routes.</summary>
    public static Listener OutboundTunnel(IReadOnlyList<AccessLog> accessLogs) => new()
    {
        Name = ClusterNames.OutboundTunnel,
        InternalListener = new Listener.Types.InternalListenerConfig(),
        TrafficDirection = TrafficDirection.Outbound,
        FilterChains = { Chain(Hcm(ClusterNames.OutboundTunnel, rds: ClusterNames.OutboundRoute, accessLogs: accessLogs)) },
    };

    /// <summary>The sidecar's inbound listener: its filter chains follow the port's effective PeerAuthentication
    /// mode (<see cref="InboundFilterChains"/>); each serves HTTP and CONNECT into the app.</summary>
    /// <param name="authz">The workload's authorization filters, and their TCP translation for the CONNECT route.</param>
    /// <param name="settings">The mesh config, for path normalization and the trust domain.</param>
    /// <param name="authn">Request authentication filters (jwt_authn), first in the chain as Istio orders them.</param>
    /// <param name="accessLogs">The proxy's server-side access logs.</param>
    public static Listener Inbound(int port, int containerPort, MutualTlsMode mtls, MeshSettings settings, AuthorizationConfig? authz = null,
        IReadOnlyList<HttpFilter>? authn = null, IReadOnlyList<AccessLog>? accessLogs = null)
    {
        var listener = new Listener
        {
            Name = ClusterNames.InboundListener,
            Address = Addresses.Loopback(port),
            TrafficDirection = TrafficDirection.Inbound,
        };
        InboundFilterChains.Apply(listener, containerPort, mtls, settings.TrustDomain, () => HcmFilter(InboundHcm(containerPort, authz, authn, settings, accessLogs)));
        return listener;
    }

    /// <summary>As Istio's sidecar inbound: a client certificate's subject, URI and DNS SANs are appended to the
    /// x-forwarded-client-cert header of requests that arrived over mutual TLS (the proxy sanitizes it otherwise).</summary>
    private static HttpConnectionManager InboundHcm(int containerPort, AuthorizationConfig? authz, IReadOnlyList<HttpFilter>? authn, MeshSettings settings,
        IReadOnlyList<AccessLog>? accessLogs)
    {
        var hcm = Hcm($"inbound_0.0.0.0_{containerPort}", connect: true, authz: authz, authn: authn, settings: settings, accessLogs: accessLogs, inline: new RouteConfiguration
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
                        AuthorizationFilters.WithTcp(ConnectRoutes.IntoApp(ClusterNames.Inbound(containerPort)), authz),
                        new Route
                        {
                            Name = "default",
                            Match = new RouteMatch { Prefix = "/" },
                            Route_ = new RouteAction { Cluster = ClusterNames.Inbound(containerPort), Timeout = new Duration() },
                        },
                    },
                },
            },
        });
        hcm.ForwardClientCertDetails = HttpConnectionManager.Types.ForwardClientCertDetails.AppendForward;
        hcm.SetCurrentClientCertDetails = new HttpConnectionManager.Types.SetCurrentClientCertDetails { Subject = true, Dns = true, Uri = true };
        return hcm;
    }

    /// <summary>The gateway's HTTP listener, bound on <paramref name="address"/> but named as Istio names it
    /// (0.0.0.0_port), so tools keyed on that name keep working. Its clients are outside the mesh: unless
    /// <paramref name="showReasons"/>, its router suppresses the headers that explain local replies.</summary>
    public static Listener Gateway(int port, string address, bool showReasons, AuthorizationConfig? authz = null, MeshSettings? settings = null,
        IReadOnlyList<HttpFilter>? authn = null, IReadOnlyList<AccessLog>? accessLogs = null) => new()
    {
        Name = ClusterNames.GatewayListener(port),
        Address = Addresses.Socket(address, port),
        FilterChains = { Chain(Hcm($"outbound_0.0.0.0_{port}", rds: ClusterNames.GatewayRoute(port), suppressEnvoyHeaders: !showReasons, authz: authz, authn: authn, settings: settings,
            accessLogs: accessLogs)) },
    };

    /// <summary>The HCM of one of the gateway's HTTPS filter chains, behind its TLS termination.</summary>
    public static Filter GatewayHcmFilter(string statPrefix, string rds, bool showReasons, IReadOnlyList<AccessLog> accessLogs) =>
        new() { Name = HcmFilterName, TypedConfig = XdsAny.Pack(Hcm(statPrefix, rds: rds, suppressEnvoyHeaders: !showReasons, accessLogs: accessLogs)) };

    /// <summary>gRPC's xDS resolver asks for a listener named exactly as the target "host:port".</summary>
    public static Listener Api(string name, string routeName) => new()
    {
        Name = name,
        ApiListener = new ApiListener { ApiListener_ = XdsAny.Pack(Hcm(name, rds: routeName)) },
    };

    private static FilterChain Chain(HttpConnectionManager hcm) => new() { Filters = { HcmFilter(hcm) } };

    private static Filter HcmFilter(HttpConnectionManager hcm) => new() { Name = HcmFilterName, TypedConfig = XdsAny.Pack(hcm) };

    /// <param name="settings">The mesh config, for path normalization (inbound and gateway HCMs).</param>
    private static HttpConnectionManager Hcm(string statPrefix, string? rds = null, RouteConfiguration? inline = null, bool connect = false, bool suppressEnvoyHeaders = false,
        AuthorizationConfig? authz = null, MeshSettings? settings = null, IReadOnlyList<HttpFilter>? authn = null, IReadOnlyList<AccessLog>? accessLogs = null)
    {
        var hcm = new HttpConnectionManager
        {
            StatPrefix = statPrefix,
            CodecType = HttpConnectionManager.Types.CodecType.Auto,
            HttpFilters =
            {
                authn ?? [],
                authz?.HttpFilters ?? [],
                // Per-route faults (a VirtualService's http[].fault) configure it; with none it passes requests on.
                new HttpFilter { Name = FaultTranslator.FilterName, TypedConfig = XdsAny.Pack(new HTTPFault()) },
                new HttpFilter { Name = RouterFilterName, TypedConfig = XdsAny.Pack(new Router { SuppressEnvoyHeaders = suppressEnvoyHeaders }) },
            },
        };
        if (settings is not null) PathNormalization.Apply(hcm, settings);
        hcm.AccessLog.Add(accessLogs ?? []);
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
