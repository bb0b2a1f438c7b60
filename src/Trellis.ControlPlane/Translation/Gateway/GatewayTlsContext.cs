using Envoy.Config.Core.V3;
using Envoy.Extensions.TransportSockets.Tls.V3;
using Envoy.Type.Matcher.V3;
using Trellis.Config.Model.Networking;
using Trellis.Xds;

namespace Trellis.ControlPlane.Translation.Gateway;

/// <summary>A terminating gateway server's DownstreamTlsContext, shaped as istiod shapes it: certificates from SDS
/// (<c>kubernetes://NAME</c> for credentialName, <c>default</c>/<c>ROOTCA</c> for ISTIO_MUTUAL), client validation for
/// MUTUAL/OPTIONAL_MUTUAL/ISTIO_MUTUAL, and the server's protocol versions and cipher suites.</summary>
internal static class GatewayTlsContext
{
    public const string TransportSocketName = "envoy.transport_sockets.tls";

    /// <summary>The workload certificate and the mesh root the proxy's identity agent publishes.</summary>
    public const string WorkloadCertificate = "default";
    public const string RootCa = "ROOTCA";

    /// <summary>HTTPS servers offer HTTP/2 and HTTP/1.1, as Istio's gateways do; a terminated TLS server offers none.</summary>
    private static readonly string[] HttpAlpn = ["h2", "http/1.1"];

    public static TransportSocket Build(ServerTlsSettings tls, bool http)
    {
        var common = new CommonTlsContext();
        if (http) common.AlpnProtocols.Add(HttpAlpn);
        var mode = tls.Mode ?? "SIMPLE";
        if (mode == "ISTIO_MUTUAL")
        {
            common.TlsCertificateSdsSecretConfigs.Add(Sds(WorkloadCertificate));
            common.CombinedValidationContext = Combined(tls, Sds(RootCa));
        }
        else if (tls.CredentialName is { Length: > 0 } credential)
        {
            common.TlsCertificateSdsSecretConfigs.Add(Sds(GatewayCredentials.CertificateName(credential)));
            if (mode is "MUTUAL" or "OPTIONAL_MUTUAL") common.CombinedValidationContext = Combined(tls, Sds(GatewayCredentials.ValidationName(credential)));
        }
        else
        {
            // Files on the gateway's own disk, as Envoy reads serverCertificate/privateKey/caCertificates.
            common.TlsCertificates.Add(new Envoy.Extensions.TransportSockets.Tls.V3.TlsCertificate
            {
                CertificateChain = new DataSource { Filename = tls.ServerCertificate ?? "" },
                PrivateKey = new DataSource { Filename = tls.PrivateKey ?? "" },
            });
            if (mode is "MUTUAL" or "OPTIONAL_MUTUAL")
            {
                var validation = Validation(tls);
                if (tls.CaCertificates is { Length: > 0 } ca) validation.TrustedCa = new DataSource { Filename = ca };
                if (tls.CaCrl is { Length: > 0 } crl) validation.Crl = new DataSource { Filename = crl };
                common.ValidationContext = validation;
            }
        }
        if (Parameters(tls) is { } parameters) common.TlsParams = parameters;
        var context = new DownstreamTlsContext
        {
            CommonTlsContext = common,
            RequireClientCertificate = mode is "MUTUAL" or "ISTIO_MUTUAL",
        };
        return new TransportSocket { Name = TransportSocketName, TypedConfig = XdsAny.Pack(context) };
    }

    private static SdsSecretConfig Sds(string name) => new()
    {
        Name = name,
        SdsConfig = new ConfigSource { Ads = new AggregatedConfigSource(), ResourceApiVersion = ApiVersion.V3 },
    };

    private static CommonTlsContext.Types.CombinedCertificateValidationContext Combined(ServerTlsSettings tls, SdsSecretConfig ca) => new()
    {
        DefaultValidationContext = Validation(tls),
        ValidationContextSdsSecretConfig = ca,
    };

    /// <summary>subjectAltNames are matched exactly, as istiod matches them; SPKI and hash pins are passed on.</summary>
    private static CertificateValidationContext Validation(ServerTlsSettings tls)
    {
        var context = new CertificateValidationContext();
        foreach (var san in tls.SubjectAltNames ?? []) context.MatchSubjectAltNames.Add(new StringMatcher { Exact = san });
        context.VerifyCertificateSpki.Add(tls.VerifyCertificateSpki ?? []);
        context.VerifyCertificateHash.Add(tls.VerifyCertificateHash ?? []);
        return context;
    }

    /// <summary>Only what the server sets; Envoy's server defaults (TLS 1.2 to 1.3, its cipher list) apply otherwise.</summary>
    private static TlsParameters? Parameters(ServerTlsSettings tls)
    {
        if (tls.MinProtocolVersion is null && tls.MaxProtocolVersion is null && tls.CipherSuites is not { Count: > 0 }) return null;
        var parameters = new TlsParameters
        {
            TlsMinimumProtocolVersion = Version(tls.MinProtocolVersion),
            TlsMaximumProtocolVersion = Version(tls.MaxProtocolVersion),
        };
        // Duplicates dropped, order kept, as istiod filters them.
        parameters.CipherSuites.Add((tls.CipherSuites ?? []).Distinct(StringComparer.Ordinal));
        return parameters;
    }

    private static TlsParameters.Types.TlsProtocol Version(string? version) => version switch
    {
        "TLSV1_0" => TlsParameters.Types.TlsProtocol.Tlsv10,
        "TLSV1_1" => TlsParameters.Types.TlsProtocol.Tlsv11,
        "TLSV1_2" => TlsParameters.Types.TlsProtocol.Tlsv12,
        "TLSV1_3" => TlsParameters.Types.TlsProtocol.Tlsv13,
        _ => TlsParameters.Types.TlsProtocol.TlsAuto,
    };
}
