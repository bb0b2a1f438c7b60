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

    /// <summary>Named external services policies delegate to (CUSTOM authorization), as in Istio.</summary>
    public IReadOnlyList<ExtensionProvider>? ExtensionProviders { get; init; }

    /// <summary>How request paths are normalized before authorization and routing; BASE when unset.</summary>
    public ProxyPathNormalization? PathNormalization { get; init; }
}

/// <summary>Where sidecars may send traffic whose destination is not in the service registry.</summary>
public sealed record OutboundTrafficPolicy
{
    public const string AllowAny = "ALLOW_ANY";
    public const string RegistryOnly = "REGISTRY_ONLY";

    [OneOf(AllowAny, RegistryOnly)] public string? Mode { get; init; }
}

/// <summary>MeshConfig's defaultConfig (Istio's ProxyConfig); only proxyMetadata is read.</summary>
public sealed record ProxyConfigDefaults
{
    public ImmutableDictionary<string, string>? ProxyMetadata { get; init; }
}
