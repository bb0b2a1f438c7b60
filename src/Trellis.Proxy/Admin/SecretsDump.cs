using System.Security.Cryptography.X509Certificates;
using System.Text;
using Envoy.Config.Core.V3;
using Envoy.Extensions.TransportSockets.Tls.V3;
using Google.Protobuf;
using Trellis.Proxy.Secrets;

namespace Trellis.Proxy.Admin;

/// <summary>The secrets the proxy holds as Envoy's SecretsConfigDump lists them: certificates in PEM as inline bytes,
/// private keys replaced by "[redacted]" exactly as Envoy redacts them.</summary>
internal static class SecretsDump
{
    private static readonly ByteString Redacted = ByteString.CopyFromUtf8("[redacted]");

    /// <summary>Each held secret as an Envoy Secret, with a version derived from its content (it changes on rotation).</summary>
    public static IEnumerable<(Secret Secret, string Version)> Of(SecretStore store)
    {
        foreach (var name in store.Names.Order(StringComparer.Ordinal))
        {
            if (store.TryGetCertificate(name, out var certificate))
            {
                var chain = new X509Certificate2Collection { certificate.Leaf };
                chain.AddRange(certificate.Intermediates);
                var secret = new Secret
                {
                    Name = name,
                    TlsCertificate = new TlsCertificate
                    {
                        CertificateChain = new DataSource { InlineBytes = Pem(chain) },
                        PrivateKey = new DataSource { InlineBytes = Redacted },
                    },
                };
                yield return (secret, certificate.Leaf.Thumbprint.ToLowerInvariant());
            }
            else if (store.TryGetValidation(name, out var validation))
            {
                var secret = new Secret
                {
                    Name = name,
                    ValidationContext = new CertificateValidationContext { TrustedCa = new DataSource { InlineBytes = Pem(validation.TrustedCas) } },
                };
                yield return (secret, string.Join(",", validation.TrustedCas.Select(c => c.Thumbprint.ToLowerInvariant())));
            }
        }
    }

    private static ByteString Pem(X509Certificate2Collection certificates)
    {
        var text = new StringBuilder();
        foreach (var c in certificates) text.Append(c.ExportCertificatePem()).Append('\n');
        return ByteString.CopyFromUtf8(text.ToString());
    }
}
