using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Trellis.Proxy.Secrets;

/// <summary>Envoy's tls_certificate secret: a leaf certificate with its private key and the intermediates a peer
/// needs to build the chain. The TLS context built from them is made once per secret, not per handshake.</summary>
internal sealed class CertificateSecret(X509Certificate2 leaf, X509Certificate2Collection intermediates)
{
    private SslStreamCertificateContext? _context;

    public X509Certificate2 Leaf { get; } = leaf;
    public X509Certificate2Collection Intermediates { get; } = intermediates;

    /// <summary>The leaf and chain as SslStream sends them.</summary>
    public SslStreamCertificateContext Context =>
        _context ??= SslStreamCertificateContext.Create(Leaf, Intermediates, offline: true);
}
