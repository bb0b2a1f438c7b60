using Envoy.Extensions.TransportSockets.Tls.V3;
using Envoy.Type.Matcher.V3;

namespace Trellis.ControlPlane.Translation.Mtls;

/// <summary>The client side of Istio's mutual TLS (ISTIO_MUTUAL, and what auto mTLS originates): the workload
/// certificate, the peer verified against the mesh root and the destination's SPIFFE identities, Istio's ALPN and
/// an SNI naming the cluster.</summary>
internal static class IstioMutualTls
{
    /// <summary>What Istio's sidecars offer to each other, so the server side knows the peer is a mesh proxy.</summary>
    public static readonly string[] Alpn = ["istio-peer-exchange", "istio"];

    public static UpstreamTlsContext Context(string sni, IReadOnlyList<string> subjectAltNames)
    {
        var validation = new CertificateValidationContext();
        foreach (var san in subjectAltNames) validation.MatchSubjectAltNames.Add(new StringMatcher { Exact = san });
        return new UpstreamTlsContext
        {
            Sni = sni,
            CommonTlsContext = new CommonTlsContext
            {
                TlsParams = IstioTlsParameters.Create(),
                AlpnProtocols = { Alpn },
                TlsCertificateSdsSecretConfigs = { SdsSecrets.Config(SdsSecrets.WorkloadCertificate) },
                CombinedValidationContext = new CommonTlsContext.Types.CombinedCertificateValidationContext
                {
                    DefaultValidationContext = validation,
                    ValidationContextSdsSecretConfig = SdsSecrets.Config(SdsSecrets.RootCa),
                },
            },
        };
    }

    /// <summary>Istio's SNI for a cluster (BuildDNSSrvSubsetKey): <c>outbound_.9080_.v1_.reviews.bookinfo.svc.cluster.local</c>,
    /// and <c>outbound_.9080_._.reviews...</c> without a subset.</summary>
    public static string Sni(int port, string? subset, string fqdn) => $"outbound_.{port}_.{subset}_.{fqdn}";

    /// <summary>A workload identity: <c>spiffe://TRUST-DOMAIN/ns/NAMESPACE/sa/SERVICE-ACCOUNT</c>.</summary>
    public static string SpiffeId(string trustDomain, string ns, string serviceAccount) => $"spiffe://{trustDomain}/ns/{ns}/sa/{serviceAccount}";
}
