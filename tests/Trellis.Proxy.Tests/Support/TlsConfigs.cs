using Envoy.Config.Core.V3;
using Envoy.Extensions.TransportSockets.Tls.V3;
using Envoy.Type.Matcher.V3;
using Google.Protobuf.WellKnownTypes;

namespace Trellis.Proxy.Tests.Support;

/// <summary>Envoy TLS transport sockets as Istio configures sidecars: certificates by SDS name (<c>default</c>), trust
/// from <c>ROOTCA</c> in a combined validation context with the SANs to expect.</summary>
internal static class TlsConfigs
{
    /// <summary>What Istio's HTTP/2 clusters offer; the proxy leaves "h2" out on connections that carry HTTP/1.</summary>
    public static readonly string[] IstioAlpn = ["istio-peer-exchange", "istio", "h2"];

    public static SdsSecretConfig Sds(string name) => new() { Name = name, SdsConfig = new ConfigSource { Ads = new AggregatedConfigSource() } };

    public static CommonTlsContext IstioCommon(string[] alpn, params string[] sans)
    {
        var validation = new CertificateValidationContext();
        foreach (var san in sans)
            validation.MatchTypedSubjectAltNames.Add(new SubjectAltNameMatcher { SanType = SubjectAltNameMatcher.Types.SanType.Uri, Matcher = new StringMatcher { Exact = san } });
        return new CommonTlsContext
        {
            TlsCertificateSdsSecretConfigs = { Sds("default") },
            CombinedValidationContext = new CommonTlsContext.Types.CombinedCertificateValidationContext
            {
                DefaultValidationContext = validation,
                ValidationContextSdsSecretConfig = Sds("ROOTCA"),
            },
            AlpnProtocols = { alpn },
        };
    }

    /// <summary>The server side of Istio's mTLS: client certificates required and verified against ROOTCA.</summary>
    public static TransportSocket MutualServer(params string[] alpn) => Socket(new DownstreamTlsContext
    {
        CommonTlsContext = IstioCommon(alpn.Length > 0 ? alpn : ["h2", "http/1.1"]),
        RequireClientCertificate = true,
    });

    public static TransportSocket Server(DownstreamTlsContext context) => Socket(context);

    /// <summary>The client side of ISTIO_MUTUAL towards a destination with these SPIFFE identities.</summary>
    public static TransportSocket MutualClient(string sni, params string[] sans) => Socket(new UpstreamTlsContext
    {
        CommonTlsContext = IstioCommon(IstioAlpn, sans),
        Sni = sni,
    });

    private static TransportSocket Socket(Google.Protobuf.IMessage context) => new() { Name = "envoy.transport_sockets.tls", TypedConfig = Any.Pack(context) };
}
