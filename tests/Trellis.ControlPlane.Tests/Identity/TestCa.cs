using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Trellis.ControlPlane.Tests.Identity;

/// <summary>Builds plug-in CA folders (Istio's cacerts layout) the way an operator's tooling would: a root, an
/// intermediate signed by it, and the four files.</summary>
internal static class TestCa
{
    public static string PlugInFolder(DateTimeOffset? intermediateNotAfter = null, bool wrongKey = false, bool foreignRoot = false)
    {
        var now = DateTimeOffset.UtcNow;
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest("CN=Test Root", rootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        rootRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(rootRequest.PublicKey, false));
        using var root = rootRequest.CreateSelfSigned(now.AddDays(-30), now.AddYears(5));

        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Test Intermediate", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        caRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root, true, false));
        using var ca = caRequest.Create(root, now.AddDays(-10), intermediateNotAfter ?? now.AddYears(1), [1, 2, 3, 4]);

        var folder = Directory.CreateTempSubdirectory("trellis-cacerts-").FullName;
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Write(Path.Combine(folder, "ca-cert.pem"), ca.ExportCertificatePem(), false);
        Write(Path.Combine(folder, "ca-key.pem"), (wrongKey ? otherKey : caKey).ExportPkcs8PrivateKeyPem(), true);
        string rootPem;
        if (foreignRoot)
        {
            using var foreignKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var foreign = new CertificateRequest("CN=Test Root", foreignKey, HashAlgorithmName.SHA256);
            foreign.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            using var foreignRootCert = foreign.CreateSelfSigned(now.AddDays(-1), now.AddYears(5));
            rootPem = foreignRootCert.ExportCertificatePem();
        }
        else
        {
            rootPem = root.ExportCertificatePem();
        }
        Write(Path.Combine(folder, "root-cert.pem"), rootPem, false);
        Write(Path.Combine(folder, "cert-chain.pem"), ca.ExportCertificatePem() + "\n" + root.ExportCertificatePem(), false);
        return folder;
    }

    public static void Write(string path, string text, bool secret)
    {
        File.WriteAllText(path, text);
        if (secret && !OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    public static string Csr(string? sanUri = null, int rsaBits = 0)
    {
        using AsymmetricAlgorithm key = rsaBits > 0 ? RSA.Create(rsaBits) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = key is RSA rsa
            ? new CertificateRequest(new X500DistinguishedName(""), rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest(new X500DistinguishedName(""), (ECDsa)key, HashAlgorithmName.SHA256);
        if (sanUri is not null)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddUri(new Uri(sanUri));
            request.CertificateExtensions.Add(names.Build(true));
        }
        return request.CreateSigningRequestPem();
    }
}
