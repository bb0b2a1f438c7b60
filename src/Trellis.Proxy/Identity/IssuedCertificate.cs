using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Trellis.Proxy.Secrets;

namespace Trellis.Proxy.Identity;

/// <summary>The CA's answer made usable: Istio's cert_chain (the workload certificate first, the root last) joined with
/// the key the CSR was made from, as the <c>default</c> and <c>ROOTCA</c> secrets.</summary>
internal sealed record IssuedCertificate(CertificateSecret Certificate, ValidationSecret Roots, string? SpiffeId)
{
    public const string DefaultSecret = "default";
    public const string RootSecret = "ROOTCA";

    /// <summary>Throws <see cref="InvalidDataException"/> when the answer is not a chain for our key.</summary>
    public static IssuedCertificate From(IReadOnlyList<string> chainPem, ECDsa key)
    {
        if (chainPem.Count < 2) throw new InvalidDataException($"the CA answered {chainPem.Count} certificate(s); a certificate and its root were expected");
        var certificates = new List<X509Certificate2>(chainPem.Count);
        try
        {
            foreach (var pem in chainPem) certificates.Add(X509Certificate2.CreateFromPem(pem));
        }
        catch (CryptographicException e)
        {
            throw new InvalidDataException($"the CA answered a certificate that does not parse: {e.Message}");
        }
        X509Certificate2 leaf;
        try
        {
            leaf = certificates[0].CopyWithPrivateKey(key);
        }
        catch (CryptographicException e)
        {
            throw new InvalidDataException($"the CA's certificate is not for this proxy's key: {e.Message}");
        }
        var intermediates = new X509Certificate2Collection();
        for (var i = 1; i < certificates.Count - 1; i++) intermediates.Add(certificates[i]);
        var spiffe = SpiffeIds.Of(leaf);
        return new IssuedCertificate(new CertificateSecret(leaf, intermediates), new ValidationSecret([certificates[^1]]), spiffe);
    }
}
