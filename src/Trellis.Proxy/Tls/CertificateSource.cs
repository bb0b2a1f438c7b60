using System.Diagnostics.CodeAnalysis;
using Envoy.Extensions.TransportSockets.Tls.V3;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Secrets;

namespace Trellis.Proxy.Tls;

/// <summary>Where a TLS context's own certificate comes from: tls_certificates (read once, at compile) or
/// tls_certificate_sds_secret_configs (looked up in the <see cref="SecretStore"/> per handshake, so a rotated
/// certificate is used by the next handshake).</summary>
internal sealed class CertificateSource
{
    private readonly CertificateSecret? _inline;
    private readonly SecretStore _secrets;

    private CertificateSource(CertificateSecret? inline, string? sdsName, SecretStore secrets)
    {
        _inline = inline;
        SdsName = sdsName;
        _secrets = secrets;
    }

    /// <summary>The SDS secret's name, or null for an inline certificate.</summary>
    public string? SdsName { get; }

    /// <summary>The context's certificate, or null when it configures none (a client without a client certificate).</summary>
    public static CertificateSource? Compile(CommonTlsContext common, SecretStore secrets, string where)
    {
        var inline = common.TlsCertificates.Count;
        var sds = common.TlsCertificateSdsSecretConfigs.Count;
        if (inline + sds == 0) return null;
        // Envoy can hold an RSA and an ECDSA certificate and choose per client; one certificate per context is what
        // Istio configures, and choosing the wrong one silently would be worse than refusing.
        if (inline + sds > 1) throw new ConfigException($"{where}: only one of tls_certificates / tls_certificate_sds_secret_configs is supported, found {inline + sds}");
        return inline == 1
            ? new CertificateSource(PemCertificates.Certificate(common.TlsCertificates[0], $"{where} tls_certificates[0]"), null, secrets)
            : new CertificateSource(null, PeerValidation.SdsName(common.TlsCertificateSdsSecretConfigs[0], $"{where} tls_certificate_sds_secret_configs[0]"), secrets);
    }

    public bool TryGet([NotNullWhen(true)] out CertificateSecret? secret)
    {
        if (_inline is not null)
        {
            secret = _inline;
            return true;
        }
        return _secrets.TryGetCertificate(SdsName!, out secret);
    }

    /// <summary>Our own certificate's URI SAN (XFCC's By), or null.</summary>
    public string? OwnUri() => TryGet(out var secret) ? SubjectAltNames.FirstUri(secret.Leaf) : null;
}
