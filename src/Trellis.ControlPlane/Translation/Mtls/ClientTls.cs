using Envoy.Config.Core.V3;
using Envoy.Extensions.TransportSockets.Tls.V3;
using Envoy.Type.Matcher.V3;
using ClientTlsSettings = Trellis.Config.Model.Networking.ClientTlsSettings;

namespace Trellis.ControlPlane.Translation.Mtls;

/// <summary>A DestinationRule's <c>tls</c> (ClientTLSSettings) as the cluster's transport socket, as istiod builds it:
/// DISABLE is plaintext; SIMPLE verifies the server (caCertificates, the credentialName's <c>-cacert</c> secret, or
/// the system bundle) unless insecureSkipVerify; MUTUAL adds the client certificate (files or credentialName);
/// ISTIO_MUTUAL uses the workload certificate and the destination's identities when subjectAltNames is empty.</summary>
internal static class ClientTls
{
    /// <summary>The transport socket for explicit settings; null for DISABLE (plaintext, no socket).</summary>
    /// <param name="sni">The cluster's Istio SNI, used by ISTIO_MUTUAL when the rule sets none.</param>
    /// <param name="identities">The destination's SPIFFE identities, ISTIO_MUTUAL's default SANs.</param>
    public static TransportSocket? Socket(ClientTlsSettings tls, string sni, IReadOnlyList<string> identities, bool http2) => tls.Mode switch
    {
        "ISTIO_MUTUAL" => TransportSockets.Tls(IstioMutualTls.Context(
            string.IsNullOrEmpty(tls.Sni) ? sni : tls.Sni,
            tls.SubjectAltNames is { Count: > 0 } sans ? sans : identities)),
        "SIMPLE" or "MUTUAL" => TransportSockets.Tls(Originated(tls, http2)),
        _ => null,
    };

    private static UpstreamTlsContext Originated(ClientTlsSettings tls, bool http2)
    {
        var common = new CommonTlsContext();
        if (http2) common.AlpnProtocols.Add("h2");
        var credential = string.IsNullOrEmpty(tls.CredentialName) ? null : tls.CredentialName;
        if (tls.Mode == "MUTUAL")
        {
            if (credential is not null) common.TlsCertificateSdsSecretConfigs.Add(SdsSecrets.Config(SdsSecrets.Credential(credential)));
            else common.TlsCertificates.Add(new TlsCertificate
            {
                CertificateChain = new DataSource { Filename = tls.ClientCertificate ?? "" },
                PrivateKey = new DataSource { Filename = tls.PrivateKey ?? "" },
            });
        }
        if (tls.InsecureSkipVerify != true)
        {
            var validation = new CertificateValidationContext();
            foreach (var san in tls.SubjectAltNames ?? []) validation.MatchSubjectAltNames.Add(new StringMatcher { Exact = san });
            if (!string.IsNullOrEmpty(tls.CaCrl)) validation.Crl = new DataSource { Filename = tls.CaCrl };
            if (credential is not null)
                common.CombinedValidationContext = new CommonTlsContext.Types.CombinedCertificateValidationContext
                {
                    DefaultValidationContext = validation,
                    ValidationContextSdsSecretConfig = SdsSecrets.Config(SdsSecrets.CredentialCa(credential)),
                };
            else
            {
                validation.TrustedCa = new DataSource { Filename = string.IsNullOrEmpty(tls.CaCertificates) ? SystemTrustBundle.Path : tls.CaCertificates };
                common.ValidationContext = validation;
            }
        }
        return new UpstreamTlsContext { Sni = tls.Sni ?? "", CommonTlsContext = common };
    }
}
