using Envoy.Config.Core.V3;
using Envoy.Extensions.TransportSockets.Tls.V3;
using Trellis.Proxy.Tests.Support;
using Trellis.Xds;

namespace Trellis.Proxy.Tests.Secrets;

/// <summary>Secret resources over ADS land in the proxy's secret store: certificates and trust anchors are usable by
/// the next handshake, a malformed one is NACKed with its name and changes nothing, and one the server stops sending is
/// removed while secrets from elsewhere (the identity agent) stay.</summary>
public sealed class SdsSecretTests : IAsyncLifetime
{
    private readonly TestPki _pki = new();
    private TestProxy _proxy = null!;

    public async Task InitializeAsync() => _proxy = await TestProxy.StartAsync();

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        _pki.Dispose();
    }

    private Secret Certificate(string name)
    {
        var (cert, key) = TestPki.Pem(_pki.Issue(null, ["bookinfo.example.com"]));
        return new Secret
        {
            Name = name,
            TlsCertificate = new TlsCertificate { CertificateChain = new DataSource { InlineString = cert }, PrivateKey = new DataSource { InlineString = key } },
        };
    }

    private Secret Ca(string name) => new()
    {
        Name = name,
        ValidationContext = new CertificateValidationContext { TrustedCa = new DataSource { InlineString = _pki.RootPem } },
    };

    [Fact]
    public async Task Certificates_and_cas_over_ads_are_put_in_the_store()
    {
        Assert.Null(await _proxy.ApplyAsync(TypeUrls.Secret, Certificate("kubernetes://bookinfo-credential"), Ca("kubernetes://bookinfo-credential-cacert")));

        Assert.True(_proxy.Runtime.Secrets.TryGetCertificate("kubernetes://bookinfo-credential", out var certificate));
        Assert.Contains("bookinfo.example.com", certificate.Leaf.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.DnsName, false));
        Assert.True(_proxy.Runtime.Secrets.TryGetValidation("kubernetes://bookinfo-credential-cacert", out var ca));
        Assert.Equal(_pki.Root.Thumbprint, Assert.Single(ca.TrustedCas).Thumbprint);
    }

    [Fact]
    public async Task A_malformed_secret_is_nacked_by_name_and_nothing_changes()
    {
        var broken = new Secret { Name = "broken", TlsCertificate = new TlsCertificate { CertificateChain = new DataSource { InlineString = "not pem" }, PrivateKey = new DataSource { InlineString = "x" } } };

        var error = await _proxy.ApplyAsync(TypeUrls.Secret, Certificate("good"), broken);

        Assert.StartsWith("secret \"broken\" tls_certificate", error);
        Assert.False(_proxy.Runtime.Secrets.TryGetCertificate("good", out _));
    }

    [Fact]
    public async Task A_secret_the_server_stops_sending_is_removed_and_local_ones_stay()
    {
        _proxy.Runtime.Secrets.Set("default", _pki.Workload("bookinfo", "productpage"));
        Assert.Null(await _proxy.ApplyAsync(TypeUrls.Secret, Certificate("a"), Certificate("b")));

        Assert.Null(await _proxy.ApplyAsync(TypeUrls.Secret, Certificate("b")));

        Assert.False(_proxy.Runtime.Secrets.TryGetCertificate("a", out _));
        Assert.True(_proxy.Runtime.Secrets.TryGetCertificate("b", out _));
        Assert.True(_proxy.Runtime.Secrets.TryGetCertificate("default", out _));
    }
}
