using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Trellis.ControlPlane.Identity;

/// <summary>The CA's signing material: the certificate that signs workload certificates (with its key), the
/// intermediates between it and the root, and the root the mesh trusts.</summary>
internal sealed record CaCertificates(X509Certificate2 Signing, X509Certificate2Collection Chain, X509Certificate2 Root)
{
    /// <summary>The self-signed root in <paramref name="directory"/> (root-cert.pem, root-key.pem), created on first use.</summary>
    public static CaCertificates SelfSigned(string directory, string trustDomain, string algorithm, TimeProvider clock)
    {
        var certPath = Path.Combine(directory, "root-cert.pem");
        var keyPath = Path.Combine(directory, "root-key.pem");
        if (File.Exists(certPath) || File.Exists(keyPath))
        {
            var root = Load(certPath, keyPath, "the self-signed root");
            CheckValid(root, certPath, clock);
            return new CaCertificates(root, [], root);
        }
        var created = CreateRoot(trustDomain, algorithm, clock);
        PrivateFile.Write(keyPath, KeyPem(created));
        PrivateFile.Write(certPath, created.ExportCertificatePem());
        return new CaCertificates(created, [], created);
    }

    /// <summary>Istio's plug-in CA layout: ca-cert.pem signs (with ca-key.pem), cert-chain.pem leads from it to
    /// root-cert.pem. Everything is checked now, so a broken folder stops the control plane at start with the reason.</summary>
    public static CaCertificates PlugIn(string directory, TimeProvider clock)
    {
        if (!Directory.Exists(directory)) throw new IdentityConfigurationException($"{directory}: cacerts folder does not exist");
        string File(string name) => Path.Combine(directory, name);
        var signing = Load(File("ca-cert.pem"), File("ca-key.pem"), "the CA certificate and key");
        var root = ReadCertificates(File("root-cert.pem")).FirstOrDefault()
            ?? throw new IdentityConfigurationException($"{File("root-cert.pem")}: no PEM certificate in it");
        var chainFile = File("cert-chain.pem");
        var chain = System.IO.File.Exists(chainFile) ? ReadCertificates(chainFile) : [signing];
        CheckValid(signing, File("ca-cert.pem"), clock);
        CheckValid(root, File("root-cert.pem"), clock);
        if (!IsCa(signing)) throw new IdentityConfigurationException($"{File("ca-cert.pem")}: not a CA certificate (basicConstraints CA:TRUE is required)");
        // cert-chain.pem starts with the CA certificate itself, as Istio's tools write it; what follows it are the
        // intermediates a peer needs, the root excluded (it travels separately as ROOTCA).
        var intermediates = new X509Certificate2Collection();
        foreach (var c in chain)
            if (!c.RawDataMemory.Span.SequenceEqual(signing.RawDataMemory.Span) && !c.RawDataMemory.Span.SequenceEqual(root.RawDataMemory.Span))
                intermediates.Add(c);
        using var verify = new X509Chain();
        verify.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        verify.ChainPolicy.CustomTrustStore.Add(root);
        verify.ChainPolicy.ExtraStore.AddRange(intermediates);
        verify.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        verify.ChainPolicy.VerificationTime = clock.GetUtcNow().UtcDateTime;
        if (!verify.Build(signing))
        {
            var why = string.Join("; ", verify.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
            throw new IdentityConfigurationException($"{File("ca-cert.pem")}: does not chain to {File("root-cert.pem")} through cert-chain.pem ({why})");
        }
        return new CaCertificates(signing, intermediates, root);
    }

    private static X509Certificate2 CreateRoot(string trustDomain, string algorithm, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var subject = new X500DistinguishedName($"O={trustDomain}, CN=Trellis Root CA");
        CertificateRequest request;
        IDisposable key;
        if (algorithm == IdentityOptions.Rsa)
        {
            var rsa = RSA.Create(2048);
            key = rsa;
            request = new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        else
        {
            var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            key = ecdsa;
            request = new CertificateRequest(subject, ecdsa, HashAlgorithmName.SHA256);
        }
        using (key)
        {
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
            // Ten years, as Istio's self-signed root.
            return request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));
        }
    }

    private static X509Certificate2 Load(string certPath, string keyPath, string what)
    {
        var certPem = ReadPublic(certPath, what);
        var keyPem = PrivateFile.ReadOwnerOnly(keyPath, "the CA's private key");
        try
        {
            X509Certificate2.CreateFromPem(certPem).Dispose();
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new IdentityConfigurationException($"{certPath}: not a PEM certificate ({e.Message})", e);
        }
        try
        {
            return X509Certificate2.CreateFromPem(certPem, keyPem);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new IdentityConfigurationException($"{keyPath}: not the private key of {certPath} ({e.Message})", e);
        }
    }

    private static X509Certificate2Collection ReadCertificates(string path)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPem(ReadPublic(path, "a certificate"));
        }
        catch (CryptographicException e)
        {
            throw new IdentityConfigurationException($"{path}: not a PEM certificate ({e.Message})", e);
        }
        return collection;
    }

    private static string ReadPublic(string path, string what)
    {
        try
        {
            return System.IO.File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IdentityConfigurationException($"{path}: cannot read {what}: {e.Message}", e);
        }
    }

    private static void CheckValid(X509Certificate2 cert, string path, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        if (now > cert.NotAfter.ToUniversalTime()) throw new IdentityConfigurationException($"{path}: certificate expired on {cert.NotAfter.ToUniversalTime():u}");
        if (now < cert.NotBefore.ToUniversalTime()) throw new IdentityConfigurationException($"{path}: certificate is not valid before {cert.NotBefore.ToUniversalTime():u}");
    }

    private static bool IsCa(X509Certificate2 cert) =>
        cert.Extensions.OfType<X509BasicConstraintsExtension>().Any(b => b.CertificateAuthority);

    private static string KeyPem(X509Certificate2 cert) =>
        cert.GetECDsaPrivateKey() is { } ec ? ec.ExportPkcs8PrivateKeyPem() : cert.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem();
}
