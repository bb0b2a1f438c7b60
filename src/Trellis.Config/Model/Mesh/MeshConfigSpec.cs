using System.Collections.Immutable;
using Trellis.Config.Loading;

namespace Trellis.Config.Model.Mesh;

/// <summary>The part of Istio's MeshConfig Trellis acts on, as written in <c>data.mesh</c> of the ConfigMap
/// <c>istio-system/istio</c>. Other MeshConfig fields are reported and ignored.</summary>
public sealed record MeshConfigSpec
{
    public OutboundTrafficPolicy? OutboundTrafficPolicy { get; init; }
    public ProxyConfigDefaults? DefaultConfig { get; init; }

    /// <summary>The trust domain of workload identities (spiffe://TRUST-DOMAIN/ns/NS/sa/SA); cluster.local when unset.</summary>
    public string? TrustDomain { get; init; }

    /// <summary>The namespace whose policies apply mesh-wide (PeerAuthentication, AuthorizationPolicy, ...); istio-system when unset.</summary>
    public string? RootNamespace { get; init; }

    /// <summary>The exportTo of Services and ServiceEntries that set none; every namespace (<c>*</c>) when unset, as in Istio.</summary>
    public IReadOnlyList<string>? DefaultServiceExportTo { get; init; }

    /// <summary>The exportTo of VirtualServices that set none; every namespace (<c>*</c>) when unset, as in Istio.</summary>
    public IReadOnlyList<string>? DefaultVirtualServiceExportTo { get; init; }

    /// <summary>The exportTo of DestinationRules that set none; every namespace (<c>*</c>) when unset, as in Istio.</summary>
    public IReadOnlyList<string>? DefaultDestinationRuleExportTo { get; init; }

    /// <summary>Named external services policies delegate to (CUSTOM authorization), as in Istio.</summary>
    public IReadOnlyList<ExtensionProvider>? ExtensionProviders { get; init; }

    /// <summary>How request paths are normalized before authorization and routing; BASE when unset.</summary>
    public ProxyPathNormalization? PathNormalization { get; init; }

    /// <summary>Where every proxy writes its access log (/dev/stdout in Istio's demo profile); none when unset.</summary>
    public string? AccessLogFile { get; init; }

    [OneOf("TEXT", "JSON")] public string? AccessLogEncoding { get; init; }

    /// <summary>Envoy command operators (%START_TIME% ...); Istio's default format when unset.</summary>
    public string? AccessLogFormat { get; init; }

    /// <summary>Whether clients originate Istio mutual TLS to endpoints with sidecars on their own; true when unset, as in Istio.</summary>
    public bool? EnableAutoMtls { get; init; }

    /// <summary>Whether sidecars speak HTTP/2 to services whose ports declare HTTP, unless a DestinationRule says otherwise;
    /// DO_NOT_UPGRADE when unset, as in Istio.</summary>
    [OneOf(Networking.H2UpgradePolicies.DoNotUpgrade, Networking.H2UpgradePolicies.Upgrade)] public string? H2UpgradePolicy { get; init; }

    /// <summary>TCP keepalive on every sidecar's upstream sockets; a DestinationRule's tcpKeepalive overrides it field by field.</summary>
    public Networking.TcpKeepalive? TcpKeepalive { get; init; }

    /// <summary>Whether proxies trace requests at all; true when unset, as in Istio.</summary>
    public bool? EnableTracing { get; init; }

    /// <summary>Which Kubernetes Ingresses the mesh serves: OFF none, STRICT those of its class, DEFAULT also those
    /// without any class; STRICT when unset, as in Istio.</summary>
    [OneOf("OFF", "STRICT", "DEFAULT", "UNSPECIFIED")] public string? IngressControllerMode { get; init; }

    /// <summary>The <c>kubernetes.io/ingress.class</c> annotation value the mesh serves; istio when unset.</summary>
    public string? IngressClass { get; init; }

    /// <summary>The <c>istio</c> label value of the gateway that serves Ingresses; ingressgateway when unset.</summary>
    public string? IngressSelector { get; init; }

    /// <summary>The ingress gateway's Service; a name other than istio-ingressgateway is also its selector when
    /// ingressSelector is unset.</summary>
    public string? IngressService { get; init; }

    /// <summary>The providers used when no Telemetry resource names one.</summary>
    public MeshDefaultProviders? DefaultProviders { get; init; }
}

/// <summary>MeshConfig's defaultProviders: provider names per telemetry kind.</summary>
public sealed record MeshDefaultProviders
{
    public IReadOnlyList<string>? Tracing { get; init; }
    public IReadOnlyList<string>? Metrics { get; init; }
    public IReadOnlyList<string>? AccessLogging { get; init; }
}

/// <summary>Where sidecars may send traffic whose destination is not in the service registry.</summary>
public sealed record OutboundTrafficPolicy
{
    public const string AllowAny = "ALLOW_ANY";
    public const string RegistryOnly = "REGISTRY_ONLY";

    /// <summary>Mesh config only (a Sidecar cannot set it): unknown destinations are allowed, resolved by DNS.</summary>
    public const string AllowAnyDynamicDns = "ALLOW_ANY_DYNAMIC_DNS";

    [OneOf(AllowAny, RegistryOnly, AllowAnyDynamicDns)] public string? Mode { get; init; }

    /// <summary>TLS to unknown destinations under ALLOW_ANY_DYNAMIC_DNS.</summary>
    public Networking.ClientTlsSettings? Tls { get; init; }
}

/// <summary>MeshConfig's defaultConfig (Istio's ProxyConfig); proxyMetadata, tracing and concurrency are read.</summary>
public sealed record ProxyConfigDefaults
{
    /// <summary>A sidecar's worker (event-loop) threads; 0 is one per core.</summary>
    public int? Concurrency { get; init; }

    public ImmutableDictionary<string, string>? ProxyMetadata { get; init; }
    public ProxyTracingDefaults? Tracing { get; init; }
}

/// <summary>ProxyConfig's tracing: the sampling percentage (Istio's default 1%), tags and a Zipkin address.</summary>
public sealed record ProxyTracingDefaults
{
    public double? Sampling { get; init; }
    [AlsoNamed("max_path_tag_length")] public int? MaxPathTagLength { get; init; }
    [AlsoNamed("custom_tags")] public IReadOnlyDictionary<string, Telemetry.TracingCustomTag>? CustomTags { get; init; }
    public ProxyZipkinTracer? Zipkin { get; init; }
}

/// <summary>ProxyConfig's tracing.zipkin: host:port of a Zipkin collector.</summary>
public sealed record ProxyZipkinTracer
{
    public string? Address { get; init; }
}
