using System.Security.Cryptography.X509Certificates;
using Trellis.ControlPlane.Identity;

namespace Trellis.ControlPlane.Tests.Identity;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CertificateAuthorityTests : IDisposable
{
    private static readonly WorkloadIdentity Reviews = new("bookinfo", "bookinfo-reviews", "reviews-v1-abc");
    private readonly string _home = Directory.CreateTempSubdirectory("trellis-ca-").FullName;

    private IdentityOptions Options(string? cacerts = null, string algorithm = IdentityOptions.Ecdsa) =>
        new(Path.Combine(_home, "identity"), cacerts, Path.Combine(_home, "identity", "token.pem"), TimeSpan.FromHours(24), TimeSpan.FromDays(90), algorithm);

    [Fact]
    public void A_self_signed_root_is_created_once_with_a_private_key_file_and_reused_on_restart()
    {
        var first = CertificateAuthority.Create(Options(), "cluster.local", TimeProvider.System);
        var keyPath = Path.Combine(_home, "identity", "root-key.pem");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyPath));
        Assert.True(first.Root.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.NotNull(first.Root.GetECDsaPublicKey());

        var second = CertificateAuthority.Create(Options(), "cluster.local", TimeProvider.System);

        Assert.Equal(first.Root.Thumbprint, second.Root.Thumbprint);
    }

    [Fact]
    public void An_rsa_root_is_created_when_configured()
    {
        var ca = CertificateAuthority.Create(Options(algorithm: IdentityOptions.Rsa), "cluster.local", TimeProvider.System);

        Assert.NotNull(ca.Root.GetRSAPublicKey());
        var leaf = X509Certificate2.CreateFromPem(ca.Sign(TestCa.Csr(), Reviews, "cluster.local", TimeSpan.Zero)[0]);
        Assert.Equal("spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews", Spiffe(leaf));
    }

    [Fact]
    public void A_workload_certificate_names_the_proven_identity_in_the_trust_domain_and_chains_to_the_root()
    {
        var ca = CertificateAuthority.Create(Options(), "example.org", TimeProvider.System);

        var chain = ca.Sign(TestCa.Csr(), Reviews, "example.org", TimeSpan.Zero);

        var leaf = X509Certificate2.CreateFromPem(chain[0]);
        Assert.Equal("spiffe://example.org/ns/bookinfo/sa/bookinfo-reviews", Spiffe(leaf));
        Assert.Equal(ca.Root.Thumbprint, X509Certificate2.CreateFromPem(chain[^1]).Thumbprint);
        Assert.False(leaf.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.True(Verifies(leaf, ca.Root, []));
    }

    [Theory]
    [InlineData(0, 24 * 3600)]
    [InlineData(300, 300)]
    [InlineData(1000L * 24 * 3600, 90L * 24 * 3600)]
    public void The_lifetime_is_the_default_when_unasked_and_capped_at_the_maximum(long requestedSeconds, long expectedSeconds)
    {
        var ca = CertificateAuthority.Create(Options(), "cluster.local", TimeProvider.System);
        var before = DateTimeOffset.UtcNow;

        var leaf = X509Certificate2.CreateFromPem(ca.Sign(TestCa.Csr(), Reviews, "cluster.local", TimeSpan.FromSeconds(requestedSeconds))[0]);

        var life = leaf.NotAfter.ToUniversalTime() - before.UtcDateTime;
        Assert.InRange(life.TotalSeconds, expectedSeconds - 5, expectedSeconds + 5);
    }

    [Fact]
    public void A_csr_asking_for_another_identity_is_refused_as_an_identity_mismatch()
    {
        var ca = CertificateAuthority.Create(Options(), "cluster.local", TimeProvider.System);

        var e = Assert.Throws<CsrRefusedException>(() => ca.Sign(TestCa.Csr("spiffe://cluster.local/ns/bookinfo/sa/bookinfo-ratings"), Reviews, "cluster.local", TimeSpan.Zero));

        Assert.True(e.IdentityMismatch);
        Assert.Contains("bookinfo-ratings", e.Message);
    }

    [Fact]
    public void A_csr_asking_for_exactly_the_proven_identity_is_signed()
    {
        var ca = CertificateAuthority.Create(Options(), "cluster.local", TimeProvider.System);

        var chain = ca.Sign(TestCa.Csr("spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews"), Reviews, "cluster.local", TimeSpan.Zero);

        Assert.Equal("spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews", Spiffe(X509Certificate2.CreateFromPem(chain[0])));
    }

    [Fact]
    public void A_weak_key_a_tampered_signature_or_garbage_is_refused_as_a_bad_request()
    {
        var ca = CertificateAuthority.Create(Options(), "cluster.local", TimeProvider.System);
        var csr = TestCa.Csr();
        var body = csr.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal)).Aggregate("", (a, b) => a + b.Trim());
        var bytes = Convert.FromBase64String(body);
        bytes[^5] ^= 0x55;
        var tampered = "-----BEGIN CERTIFICATE REQUEST-----\n" + Convert.ToBase64String(bytes, Base64FormattingOptions.InsertLineBreaks) + "\n-----END CERTIFICATE REQUEST-----\n";

        foreach (var bad in new[] { TestCa.Csr(rsaBits: 1024), tampered, "not a csr" })
        {
            var e = Assert.Throws<CsrRefusedException>(() => ca.Sign(bad, Reviews, "cluster.local", TimeSpan.Zero));
            Assert.False(e.IdentityMismatch);
        }
    }

    [Fact]
    public void A_plug_in_ca_signs_with_its_intermediate_and_sends_it_in_the_chain()
    {
        var folder = TestCa.PlugInFolder();
        var ca = CertificateAuthority.Create(Options(folder), "cluster.local", TimeProvider.System);

        var chain = ca.Sign(TestCa.Csr(), Reviews, "cluster.local", TimeSpan.Zero);

        Assert.Equal(3, chain.Count);
        var leaf = X509Certificate2.CreateFromPem(chain[0]);
        var intermediate = X509Certificate2.CreateFromPem(chain[1]);
        var root = X509Certificate2.CreateFromPem(chain[2]);
        Assert.Equal("CN=Test Intermediate", intermediate.Subject);
        Assert.Equal("CN=Test Root", root.Subject);
        Assert.True(Verifies(leaf, root, [intermediate]));
        Assert.False(File.Exists(Path.Combine(_home, "identity", "root-key.pem")));
    }

    [Fact]
    public void Broken_cacerts_stop_the_ca_with_the_file_and_the_reason_never_a_self_signed_fallback()
    {
        var expired = TestCa.PlugInFolder(intermediateNotAfter: DateTimeOffset.UtcNow.AddDays(-1));
        var mismatched = TestCa.PlugInFolder(wrongKey: true);
        var foreign = TestCa.PlugInFolder(foreignRoot: true);
        var unreadable = TestCa.PlugInFolder();
        File.SetUnixFileMode(Path.Combine(unreadable, "ca-key.pem"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        var missing = TestCa.PlugInFolder();
        File.Delete(Path.Combine(missing, "ca-key.pem"));

        Assert.Contains("expired", Problem(expired));
        Assert.Contains("ca-key.pem", Problem(mismatched));
        Assert.Contains("does not chain", Problem(foreign));
        Assert.Contains("readable or writable by other users", Problem(unreadable));
        Assert.Contains("missing", Problem(missing));
        Assert.Contains("does not exist", Problem(Path.Combine(_home, "nowhere")));
        Assert.False(Directory.Exists(Path.Combine(_home, "identity")));
    }

    private string Problem(string folder)
    {
        var e = Assert.Throws<IdentityConfigurationException>(() => CertificateAuthority.Create(Options(folder), "cluster.local", TimeProvider.System));
        Assert.Equal(e.Message, CaCertsCheck.Problem(folder));
        return e.Message;
    }

    private static bool Verifies(X509Certificate2 leaf, X509Certificate2 root, X509Certificate2[] intermediates)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.ExtraStore.AddRange(intermediates);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(leaf);
    }

    private static string? Spiffe(X509Certificate2 cert) =>
        cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().Format(false) is var text && text.StartsWith("URI:", StringComparison.Ordinal) ? text[4..] : text;

    public void Dispose() => Directory.Delete(_home, recursive: true);
}
