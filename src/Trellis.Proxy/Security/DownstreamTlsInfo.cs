using System.Security.Cryptography.X509Certificates;

namespace Trellis.Proxy.Security;

/// <summary>What a downstream connection's TLS handshake established, set once per connection (as a connection
/// feature) by the TLS transport socket and read by authorization, XFCC and telemetry. Absent on plaintext.</summary>
/// <param name="PeerCertificate">The client's certificate when it presented one that verified.</param>
/// <param name="PeerUriSan">Its first URI SAN, such as spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage.</param>
/// <param name="ServerName">The SNI the client asked for.</param>
/// <param name="NegotiatedAlpn">The application protocol agreed on, such as istio-peer-exchange or h2.</param>
internal sealed record DownstreamTlsInfo(
    X509Certificate2? PeerCertificate,
    string? PeerUriSan,
    string? ServerName,
    string? NegotiatedAlpn)
{
    /// <summary>The peer's principal as Istio writes it in policies and telemetry: the URI SAN without spiffe://.</summary>
    public string? PeerPrincipal { get; } = PeerUriSan is { } uri && uri.StartsWith("spiffe://", StringComparison.Ordinal) ? uri[9..] : PeerUriSan;
}
