using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Trellis.ControlPlane.Identity;

/// <summary>The mesh's CA: signs a workload's CSR for exactly the identity its credential proved, as Istio's CA does,
/// with the workload's own public key (the private key never leaves the proxy).</summary>
internal sealed class CertificateAuthority(CaCertificates ca, IdentityOptions options, TimeProvider clock)
{
    private const string SubjectAltNameOid = "2.5.29.17";

    private readonly X509SignatureGenerator _signer = CreateSignatureGenerator(ca);

    /// <summary>The certificates a peer must trust (the root).</summary>
    public X509Certificate2 Root => ca.Root;

    public IdentityOptions Options => options;

    /// <summary>Starts the CA the options describe: the plug-in cacerts when given, else the self-signed root.</summary>
    public static CertificateAuthority Create(IdentityOptions options, string trustDomain, TimeProvider clock) =>
        new(options.CaCertsDirectory is { } plugIn
            ? CaCertificates.PlugIn(plugIn, clock)
            : CaCertificates.SelfSigned(options.Directory, trustDomain, options.RootKeyAlgorithm, clock), options, clock);

    /// <summary>Signs <paramref name="csrPem"/> for <paramref name="identity"/>; returns PEM certificates, the workload's
    /// first, then the intermediates, the root last (Istio's cert_chain order).</summary>
    /// <param name="requestedTtl">The lifetime asked for; zero or less means the default, more than the maximum is capped.</param>
    public IReadOnlyList<string> Sign(string csrPem, WorkloadIdentity identity, string trustDomain, TimeSpan requestedTtl)
    {
        var spiffe = identity.SpiffeId(trustDomain);
        var request = Parse(csrPem);
        CheckKey(request.PublicKey);
        CheckRequestedNames(request, spiffe);

        var ttl = requestedTtl <= TimeSpan.Zero ? options.DefaultCertTtl : requestedTtl > options.MaxCertTtl ? options.MaxCertTtl : requestedTtl;
        var now = clock.GetUtcNow();
        if (now >= ca.Signing.NotAfter.ToUniversalTime())
            throw new IdentityConfigurationException($"the CA certificate {ca.Signing.Subject} expired on {ca.Signing.NotAfter.ToUniversalTime():u}; replace cacerts and restart the mesh");
        var notAfter = now + ttl;
        // A workload certificate never outlives the CA that vouches for it.
        if (notAfter > ca.Signing.NotAfter.ToUniversalTime()) notAfter = ca.Signing.NotAfter.ToUniversalTime();

        var leaf = new CertificateRequest(new X500DistinguishedName(""), request.PublicKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddUri(new Uri(spiffe));
        // Istio's workload certificates have an empty subject, which makes the SAN critical (RFC 5280 4.2.1.6).
        leaf.CertificateExtensions.Add(names.Build(critical: true));
        leaf.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        leaf.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        leaf.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication"), new Oid("1.3.6.1.5.5.7.3.2", "Client Authentication")], false));
        leaf.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca.Signing, includeKeyIdentifier: true, includeIssuerAndSerial: false));

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        X509Certificate2 issued;
        // The key objects are not documented thread-safe; signing is rare (once per workload per rotation).
        lock (_signer) issued = leaf.Create(ca.Signing.SubjectName, _signer, now.AddMinutes(-1), notAfter, serial);
        using var _ = issued;

        var chain = new List<string>(2 + ca.Chain.Count) { issued.ExportCertificatePem() };
        if (!ReferenceEquals(ca.Signing, ca.Root)) chain.Add(ca.Signing.ExportCertificatePem());
        foreach (var c in ca.Chain) chain.Add(c.ExportCertificatePem());
        chain.Add(ca.Root.ExportCertificatePem());
        return chain;
    }

    private static CertificateRequest Parse(string csrPem)
    {
        if (csrPem.Length > 64 * 1024) throw new CsrRefusedException("the CSR is larger than 64 KiB");
        try
        {
            // Loading checks the request's self-signature: only the holder of the private key can ask for a certificate.
            return CertificateRequest.LoadSigningRequestPem(csrPem, HashAlgorithmName.SHA256,
                CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new CsrRefusedException($"not a valid PEM certificate signing request: {e.Message}");
        }
    }

    private static void CheckKey(PublicKey key)
    {
        if (key.GetECDsaPublicKey() is { } ec)
        {
            using (ec)
                if (ec.KeySize < 256) throw new CsrRefusedException($"the CSR's ECDSA key has {ec.KeySize} bits; at least 256 are required");
            return;
        }
        if (key.GetRSAPublicKey() is { } rsa)
        {
            using (rsa)
                if (rsa.KeySize < 2048) throw new CsrRefusedException($"the CSR's RSA key has {rsa.KeySize} bits; at least 2048 are required");
            return;
        }
        throw new CsrRefusedException($"the CSR's key algorithm {key.Oid.FriendlyName ?? key.Oid.Value} is not supported (use ECDSA or RSA)");
    }

    // The certificate carries only the proven identity whatever the CSR asks; a CSR naming any other identity is
    // refused outright, so an attempt to obtain someone else's certificate is seen rather than quietly corrected.
    private static void CheckRequestedNames(CertificateRequest request, string spiffe)
    {
        foreach (var extension in request.CertificateExtensions)
        {
            if (extension.Oid?.Value != SubjectAltNameOid) continue;
            foreach (var name in SubjectAltNames(extension.RawData))
                if (name != spiffe) throw new CsrRefusedException($"the CSR asks for {name}, but the caller's credential proves {spiffe}", identityMismatch: true);
        }
    }

    private static List<string> SubjectAltNames(byte[] raw)
    {
        var names = new List<string>();
        try
        {
            var reader = new AsnReader(raw, AsnEncodingRules.DER).ReadSequence();
            while (reader.HasData)
            {
                var tag = reader.PeekTag();
                names.Add(tag switch
                {
                    { TagClass: TagClass.ContextSpecific, TagValue: 6 } => reader.ReadCharacterString(UniversalTagNumber.IA5String, tag),
                    { TagClass: TagClass.ContextSpecific, TagValue: 2 } => "DNS:" + reader.ReadCharacterString(UniversalTagNumber.IA5String, tag),
                    _ => $"a subject alternative name of kind [{tag.TagValue}] ({reader.ReadEncodedValue().Length} bytes)",
                });
            }
        }
        catch (AsnContentException e)
        {
            throw new CsrRefusedException($"the CSR's subjectAltName extension is malformed: {e.Message}");
        }
        return names;
    }

    private static X509SignatureGenerator CreateSignatureGenerator(CaCertificates ca) =>
        ca.Signing.GetECDsaPrivateKey() is { } ec
            ? X509SignatureGenerator.CreateForECDsa(ec)
            : X509SignatureGenerator.CreateForRSA(ca.Signing.GetRSAPrivateKey()!, RSASignaturePadding.Pkcs1);
}
