using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Trellis.Proxy.Listeners.TransportSockets;

/// <summary>The Kestrel features of a connection this proxy's TLS transport socket terminated, so Kestrel picks HTTP/2
/// from ALPN, serves the "https" scheme, and HttpContext.Connection.ClientCertificate is the verified peer certificate.</summary>
internal sealed class TlsConnectionFeature(SslStream ssl) : ITlsConnectionFeature, ITlsApplicationProtocolFeature, ITlsHandshakeFeature
{
    private readonly X509Certificate2? _peer = ssl.RemoteCertificate as X509Certificate2;

    public X509Certificate2? ClientCertificate
    {
        get => _peer;
        // The certificate is what the handshake verified; nothing later may replace it.
        set { }
    }

    public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) => Task.FromResult(_peer);

    public ReadOnlyMemory<byte> ApplicationProtocol { get; } = ssl.NegotiatedApplicationProtocol.Protocol;

    public SslProtocols Protocol { get; } = ssl.SslProtocol;

    public TlsCipherSuite? NegotiatedCipherSuite { get; } = ssl.NegotiatedCipherSuite;

    public string HostName { get; } = ssl.TargetHostName;

    // Kestrel's interface still carries these; .NET marks the SslStream properties obsolete in favour of the suite.
#pragma warning disable SYSLIB0058
    public CipherAlgorithmType CipherAlgorithm { get; } = ssl.CipherAlgorithm;
    public int CipherStrength { get; } = ssl.CipherStrength;
    public HashAlgorithmType HashAlgorithm { get; } = ssl.HashAlgorithm;
    public int HashStrength { get; } = ssl.HashStrength;
    public ExchangeAlgorithmType KeyExchangeAlgorithm { get; } = ssl.KeyExchangeAlgorithm;
    public int KeyExchangeStrength { get; } = ssl.KeyExchangeStrength;
#pragma warning restore SYSLIB0058
}
