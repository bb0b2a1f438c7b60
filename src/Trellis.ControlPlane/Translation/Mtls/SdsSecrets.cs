using Envoy.Config.Core.V3;
using Envoy.Extensions.TransportSockets.Tls.V3;

namespace Trellis.ControlPlane.Translation.Mtls;

/// <summary>The SDS secret names Istio's proxies use, and how a TLS context asks for one: over the ADS stream, so a
/// proxy's own workload certificate (published by its agent into its secret store) and a gateway's
/// <c>kubernetes://</c> credentials are resolved the same way.</summary>
internal static class SdsSecrets
{
    /// <summary>The workload's own certificate chain and key.</summary>
    public const string WorkloadCertificate = "default";

    /// <summary>The mesh's root certificates that peers' certificates must chain to.</summary>
    public const string RootCa = "ROOTCA";

    /// <summary>Istio's name for a Kubernetes Secret's certificate and key.</summary>
    public static string Credential(string name) => $"kubernetes://{name}";

    /// <summary>Istio's name for a Kubernetes Secret's CA certificate (its ca.crt, or the NAME-cacert Secret).</summary>
    public static string CredentialCa(string name) => $"kubernetes://{name}-cacert";

    public static SdsSecretConfig Config(string name) => new()
    {
        Name = name,
        SdsConfig = new ConfigSource { Ads = new AggregatedConfigSource(), ResourceApiVersion = ApiVersion.V3 },
    };
}
