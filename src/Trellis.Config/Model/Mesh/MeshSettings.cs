namespace Trellis.Config.Model.Mesh;

/// <summary>The mesh-wide settings in effect, with Trellis's defaults filled in where the mesh config is silent.</summary>
/// <param name="OutboundMode">ALLOW_ANY or REGISTRY_ONLY. Unset means REGISTRY_ONLY: in local mode every
/// destination outside the registry is a port on this machine, so passthrough is opt-in.</param>
/// <param name="GatewayReasons">Whether gateways put x-trellis-reason on replies to outside clients (a debugging aid).</param>
/// <param name="TrustDomain">The trust domain of workload identities.</param>
/// <param name="RootNamespace">The namespace whose security policies apply mesh-wide.</param>
public sealed record MeshSettings(string OutboundMode, bool GatewayReasons, string TrustDomain = MeshSettings.DefaultTrustDomain,
    string RootNamespace = MeshSettings.DefaultRootNamespace)
{
    public const string DefaultTrustDomain = "cluster.local";
    public const string DefaultRootNamespace = "istio-system";

    public static readonly MeshSettings Default = new(OutboundTrafficPolicy.RegistryOnly, GatewayReasons: false);

    /// <summary>Unknown destinations pass through. ALLOW_ANY_DYNAMIC_DNS is the same here: the sidecar already connects
    /// to the host the app named, resolving it by DNS.</summary>
    public bool AllowAny => OutboundMode is OutboundTrafficPolicy.AllowAny or OutboundTrafficPolicy.AllowAnyDynamicDns;

    /// <summary>The mesh config's extensionProviders, valid ones only (an invalid mesh config is not applied).</summary>
    public IReadOnlyList<ExtensionProvider> ExtensionProviders { get; init; } = [];

    /// <summary>MeshConfig enableAutoMtls: clients originate Istio mutual TLS to sidecar endpoints without a DestinationRule saying so.</summary>
    public bool AutoMtls { get; init; } = true;

    /// <summary>MeshConfig h2UpgradePolicy UPGRADE: sidecars speak HTTP/2 to ports that declare HTTP, unless a
    /// DestinationRule's h2UpgradePolicy says otherwise.</summary>
    public bool H2Upgrade { get; init; }

    /// <summary>MeshConfig tcpKeepalive: keepalive on every sidecar's upstream sockets, unless a DestinationRule says otherwise.</summary>
    public Networking.TcpKeepalive? TcpKeepalive { get; init; }

    /// <summary>MeshConfig accessLogFile: where every proxy writes its access log; none when null.</summary>
    public string? AccessLogFile { get; init; }

    /// <summary>MeshConfig defaultProviders.accessLogging: the providers a Telemetry access logging rule without providers uses.</summary>
    public IReadOnlyList<string> DefaultAccessLogProviders { get; init; } = [];

    /// <summary>TEXT or JSON.</summary>
    public string AccessLogEncoding { get; init; } = "TEXT";

    /// <summary>Envoy command operators (a JSON object of them for JSON); Istio's default format when null.</summary>
    public string? AccessLogFormat { get; init; }

    /// <summary>MeshConfig enableTracing: whether proxies trace at all; true when unset, as in Istio.</summary>
    public bool EnableTracing { get; init; } = true;

    /// <summary>defaultConfig.tracing: sampling percentage (Istio's default 1%), custom tags, path tag length, Zipkin address.</summary>
    public ProxyTracingDefaults TracingDefaults { get; init; } = new();

    /// <summary>MeshConfig defaultProviders.tracing: the providers a Telemetry tracing rule without providers uses.</summary>
    public IReadOnlyList<string> DefaultTracingProviders { get; init; } = [];

    /// <summary>defaultConfig.concurrency: a sidecar's event-loop threads when its pod does not say (0: one per core);
    /// null leaves the proxy's own default, Istio's 2. Applied when a sidecar starts, as Istio applies it at injection.</summary>
    public int? Concurrency { get; init; }

    /// <summary>MeshConfig defaultServiceExportTo, defaultVirtualServiceExportTo, defaultDestinationRuleExportTo:
    /// the exportTo of objects that set none.</summary>
    public Semantics.ExportToDefaults ExportToDefaults { get; init; } = Semantics.ExportToDefaults.Public;

    /// <summary>MeshConfig ingressControllerMode, ingressClass and the gateway that serves Kubernetes Ingresses.</summary>
    public IngressSettings Ingress { get; init; } = IngressSettings.Default;

    /// <summary>NONE, BASE, MERGE_SLASHES or DECODE_AND_MERGE_SLASHES; Istio's DEFAULT is BASE.</summary>
    public string PathNormalization { get; init; } = ProxyPathNormalization.Base;
}

/// <summary>Which Kubernetes Ingresses the mesh serves, and on which gateway, with Istio's defaults.</summary>
/// <param name="Mode">OFF, STRICT or DEFAULT.</param>
/// <param name="Class">The <c>kubernetes.io/ingress.class</c> annotation value the mesh serves.</param>
/// <param name="Selector">The <c>istio</c> label value of the gateway pods that serve them.</param>
public sealed record IngressSettings(string Mode, string Class, string Selector)
{
    public static readonly IngressSettings Default = new("STRICT", "istio", "ingressgateway");
}
