using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Trellis.Proxy.Secrets;

namespace Trellis.Proxy.Tests.Support;

/// <summary>A throwaway mesh CA for tests, made with CertificateRequest: a self-signed ECDSA P-256 root that issues
/// workload certificates with a SPIFFE URI SAN (and DNS SANs when asked).</summary>
internal sealed class TestPki : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private long _serial;

    public X509Certificate2 Root { get; }

    public TestPki(string name = "Trellis Test Root")
    {
        var request = new CertificateRequest($"CN={name}, O=cluster.local", _key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        Root = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    public string RootPem => Root.ExportCertificatePem();

    public ValidationSecret Validation => new([Root]);

    /// <summary>A workload certificate for spiffe://cluster.local/ns/NS/sa/SA, with its key.</summary>
    public CertificateSecret Workload(string ns, string sa, params string[] dnsNames) =>
        Issue($"spiffe://cluster.local/ns/{ns}/sa/{sa}", dnsNames);

    public CertificateSecret Issue(string? uri, string[] dnsNames, TimeSpan? lifetime = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("O=cluster.local", key, HashAlgorithmName.SHA256);
        var sans = new SubjectAlternativeNameBuilder();
        if (uri is not null) sans.AddUri(new Uri(uri));
        foreach (var dns in dnsNames) sans.AddDnsName(dns);
        request.CertificateExtensions.Add(sans.Build(critical: true));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var serial = BitConverter.GetBytes(Interlocked.Increment(ref _serial) + DateTime.UtcNow.Ticks);
        using var issued = request.Create(Root, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.Add(lifetime ?? TimeSpan.FromDays(1)), serial);
        var leaf = issued.CopyWithPrivateKey(key);
        return new CertificateSecret(leaf, []);
    }

    /// <summary>The leaf's certificate and key as PEM, for inline tls_certificates and for curl.</summary>
    public static (string Certificate, string Key) Pem(CertificateSecret secret) =>
        (secret.Leaf.ExportCertificatePem(), secret.Leaf.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());

    public void Dispose()
    {
        Root.Dispose();
        _key.Dispose();
    }
}
