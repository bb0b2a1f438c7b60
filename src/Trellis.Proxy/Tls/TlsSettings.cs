using System.Net.Security;
using System.Security.Authentication;
using Envoy.Extensions.TransportSockets.Tls.V3;
using Trellis.Proxy.Configuration;
using Protocol = Envoy.Extensions.TransportSockets.Tls.V3.TlsParameters.Types.TlsProtocol;

namespace Trellis.Proxy.Tls;

/// <summary>tls_params and alpn_protocols as SslStream takes them. Envoy's defaults: TLS 1.2 minimum; TLS 1.3 maximum for
/// servers, 1.2 for clients. What .NET cannot honour (TLS 1.0/1.1, ecdh_curves, an unknown cipher) is refused by name.</summary>
internal sealed record TlsSettings(SslProtocols Protocols, CipherSuitesPolicy? Ciphers, List<SslApplicationProtocol>? Alpn)
{
    public static TlsSettings Compile(CommonTlsContext common, bool server, string where)
    {
        var p = common.TlsParams ?? new TlsParameters();
        var min = Version(p.TlsMinimumProtocolVersion, Protocol.Tlsv12, $"{where} tls_params.tls_minimum_protocol_version");
        var max = Version(p.TlsMaximumProtocolVersion, server ? Protocol.Tlsv13 : Protocol.Tlsv12, $"{where} tls_params.tls_maximum_protocol_version");
        if (min > max) throw new ConfigException($"{where} tls_params: tls_minimum_protocol_version {min} is above tls_maximum_protocol_version {max}");
        if (p.EcdhCurves.Count > 0) throw new ConfigException($"{where} tls_params.ecdh_curves is not supported (the platform's curves are used)");
        var protocols = (min <= Protocol.Tlsv12 && max >= Protocol.Tlsv12 ? SslProtocols.Tls12 : SslProtocols.None)
                        | (max >= Protocol.Tlsv13 ? SslProtocols.Tls13 : SslProtocols.None);
        var ciphers = p.CipherSuites.Count == 0 ? null : CipherSuites.Compile(p.CipherSuites, $"{where} tls_params.cipher_suites");
        var alpn = common.AlpnProtocols.Count == 0 ? null : common.AlpnProtocols.Select(Alpn).ToList();
        return new TlsSettings(protocols, ciphers, alpn);

        SslApplicationProtocol Alpn(string name, int i) =>
            name.Length is > 0 and <= 255 ? new SslApplicationProtocol(name) : throw new ConfigException($"{where} alpn_protocols[{i}]: must be 1 to 255 bytes");
    }

    private static Protocol Version(Protocol value, Protocol auto, string field) => value switch
    {
        Protocol.TlsAuto => auto,
        Protocol.Tlsv12 or Protocol.Tlsv13 => value,
        _ => throw new ConfigException($"{field}: {value} is not supported (TLSv1_2 or TLSv1_3)"),
    };
}
