using Envoy.Extensions.TransportSockets.Tls.V3;
using Envoy.Type.Matcher.V3;

namespace Trellis.ControlPlane.Translation.Mtls;

/// <summary>The server side of Istio's mutual TLS on a sidecar's inbound port: the workload certificate, a client
/// certificate required and chained to the mesh root, and from this trust domain.</summary>
internal static class InboundMtls
{
    public static DownstreamTlsContext Context(string trustDomain) => new()
    {
        RequireClientCertificate = true,
        CommonTlsContext = new CommonTlsContext
        {
            TlsParams = IstioTlsParameters.Create(),
            // The inbound listener serves HTTP to peers that negotiate either version.
            AlpnProtocols = { "h2", "http/1.1" },
            TlsCertificateSdsSecretConfigs = { SdsSecrets.Config(SdsSecrets.WorkloadCertificate) },
            CombinedValidationContext = new CommonTlsContext.Types.CombinedCertificateValidationContext
            {
                DefaultValidationContext = new CertificateValidationContext
                {
                    MatchSubjectAltNames = { new StringMatcher { Prefix = $"spiffe://{trustDomain}/" } },
                },
                ValidationContextSdsSecretConfig = SdsSecrets.Config(SdsSecrets.RootCa),
            },
        },
    };
}
