using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Envoy.Extensions.TransportSockets.Tls.V3;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Secrets;

namespace Trellis.Proxy.Tls;

/// <summary>Turns Envoy's PEM TlsCertificate and trusted_ca into the secrets SslStream uses.</summary>
internal static class PemCertificates
{
    public static CertificateSecret Certificate(TlsCertificate tls, string where)
    {
        var chainPem = DataSources.ReadText(tls.CertificateChain, where, "certificate_chain");
        var keyPem = DataSources.ReadText(tls.PrivateKey, where, "private_key");
        try
        {
            var chain = new X509Certificate2Collection();
            chain.ImportFromPem(chainPem);
            if (chain.Count == 0) throw new ConfigException($"{where}: certificate_chain holds no PEM certificate");
            var leaf = tls.Password is { } password
                ? X509Certificate2.CreateFromEncryptedPem(PemOf(chain[0]), keyPem, DataSources.ReadText(password, where, "password"))
                : X509Certificate2.CreateFromPem(PemOf(chain[0]), keyPem);
            var intermediates = new X509Certificate2Collection();
            for (var i = 1; i < chain.Count; i++) intermediates.Add(chain[i]);
            return new CertificateSecret(leaf, intermediates);
        }
        catch (CryptographicException e)
        {
            throw new ConfigException($"{where}: certificate_chain/private_key: {e.Message}");
        }
    }

    public static ValidationSecret TrustedCas(string pem, string where)
    {
        var cas = new X509Certificate2Collection();
        try
        {
            cas.ImportFromPem(pem);
        }
        catch (CryptographicException e)
        {
            throw new ConfigException($"{where}: trusted_ca: {e.Message}");
        }
        if (cas.Count == 0) throw new ConfigException($"{where}: trusted_ca holds no PEM certificate");
        return new ValidationSecret(cas);
    }

    private static string PemOf(X509Certificate2 certificate) => certificate.ExportCertificatePem();
}
