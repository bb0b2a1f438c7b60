using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Envoy.Config.Core.V3;
using Envoy.Config.Listener.V3;
using Envoy.Config.Route.V3;
using Trellis.Proxy.Secrets;
using Trellis.Proxy.Tests.Support;
using static Trellis.Proxy.Tests.Support.Chains;

namespace Trellis.Proxy.Tests.Listeners.TransportSockets;

/// <summary>A filter chain with a DownstreamTlsContext terminates TLS: STRICT-like chains require a client certificate
/// from the mesh CA, PERMISSIVE listeners (tls_inspector, a TLS chain and a plaintext chain) take both, h2 is chosen by
/// ALPN, and the certificate is read from the secret store at each handshake.</summary>
public sealed class TlsTransportSocketTests : IAsyncLifetime
{
    private readonly TestPki _pki = new();
    private TestProxy _proxy = null!;
    private int _port;

    private static RouteConfiguration Answering(string name) => new()
    {
        Name = name,
        VirtualHosts =
        {
            new VirtualHost
            {
                Name = name,
                Domains = { "*" },
                Routes = { new Route { Match = new RouteMatch { Prefix = "/" }, DirectResponse = new DirectResponseAction { Status = 200, Body = new DataSource { InlineString = name } } } },
            },
        },
    };

    private Listener Strict()
    {
        var chain = Chain("mtls");
        chain.TransportSocket = TlsConfigs.MutualServer();
        return Listener(_port, chain);
    }

    private Listener Permissive()
    {
        var tls = Chain("mtls", new FilterChainMatch { TransportProtocol = "tls" });
        tls.TransportSocket = TlsConfigs.MutualServer();
        var listener = Listener(_port, tls, Chain("plaintext", new FilterChainMatch { TransportProtocol = "raw_buffer" }));
        listener.ListenerFilters.Add(TlsInspectorFilter());
        return listener;
    }

    public async Task InitializeAsync()
    {
        _proxy = await TestProxy.StartAsync();
        _proxy.Runtime.Secrets.Set("default", _pki.Workload("bookinfo", "reviews"));
        _proxy.Runtime.Secrets.Set("ROOTCA", _pki.Validation);
        _port = Ports.Free();
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        _pki.Dispose();
    }

    private HttpClient Client(CertificateSecret? clientCertificate, bool http2 = false, Action<X509Certificate2?>? server = null) => new(new SocketsHttpHandler
    {
        UseProxy = false,
        SslOptions = new SslClientAuthenticationOptions
        {
            ClientCertificates = clientCertificate is null ? null : [clientCertificate.Leaf],
            RemoteCertificateValidationCallback = (_, cert, _, _) =>
            {
                server?.Invoke(cert as X509Certificate2);
                return true;
            },
        },
    })
    {
        BaseAddress = new Uri($"https://127.0.0.1:{_port}"),
        DefaultRequestVersion = http2 ? HttpVersion.Version20 : HttpVersion.Version11,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

    private HttpClient Plaintext() => new(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://127.0.0.1:{_port}") };

    [Fact]
    public async Task A_strict_chain_serves_a_client_certificate_from_the_mesh_CA()
    {
        await _proxy.PushAsync([], [], [Strict()], [Answering("mtls")]);
        X509Certificate2? presented = null;
        using var client = Client(_pki.Workload("bookinfo", "productpage"), server: c => presented = c);

        Assert.Equal("mtls", await client.GetStringAsync("/"));
        Assert.Equal("spiffe://cluster.local/ns/bookinfo/sa/reviews", Trellis.Proxy.Tls.SubjectAltNames.FirstUri(presented!));
    }

    [Fact]
    public async Task A_strict_chain_refuses_plaintext_a_client_without_a_certificate_and_one_from_another_CA()
    {
        await _proxy.PushAsync([], [], [Strict()], [Answering("mtls")]);
        using var other = new TestPki("Other Root");

        using (var plaintext = Plaintext()) await Assert.ThrowsAsync<HttpRequestException>(() => plaintext.GetStringAsync("/"));
        using (var anonymous = Client(null)) await Assert.ThrowsAsync<HttpRequestException>(() => anonymous.GetStringAsync("/"));
        using (var stranger = Client(other.Workload("bookinfo", "productpage"))) await Assert.ThrowsAsync<HttpRequestException>(() => stranger.GetStringAsync("/"));
    }

    [Fact]
    public async Task A_permissive_listener_serves_mtls_and_plaintext_on_one_port()
    {
        await _proxy.PushAsync([], [], [Permissive()], [Answering("mtls"), Answering("plaintext")]);

        using var mutual = Client(_pki.Workload("bookinfo", "productpage"));
        using var plaintext = Plaintext();
        Assert.Equal("mtls", await mutual.GetStringAsync("/"));
        Assert.Equal("plaintext", await plaintext.GetStringAsync("/"));
    }

    [Fact]
    public async Task H2_is_negotiated_by_alpn()
    {
        await _proxy.PushAsync([], [], [Strict()], [Answering("mtls")]);
        using var client = Client(_pki.Workload("bookinfo", "productpage"), http2: true);

        using var response = await client.GetAsync("/");

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal("mtls", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_missing_certificate_secret_fails_the_handshake_until_it_arrives()
    {
        _proxy.Runtime.Secrets.Remove("default");
        await _proxy.PushAsync([], [], [Strict()], [Answering("mtls")]);
        using (var client = Client(_pki.Workload("bookinfo", "productpage")))
            await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync("/"));

        _proxy.Runtime.Secrets.Set("default", _pki.Workload("bookinfo", "reviews"));

        using var later = Client(_pki.Workload("bookinfo", "productpage"));
        Assert.Equal("mtls", await later.GetStringAsync("/"));
    }

    [Fact]
    public async Task A_rotated_certificate_is_served_by_the_next_handshake()
    {
        await _proxy.PushAsync([], [], [Strict()], [Answering("mtls")]);
        var rotated = _pki.Workload("bookinfo", "reviews");
        _proxy.Runtime.Secrets.Set("default", rotated);
        X509Certificate2? presented = null;
        using var client = Client(_pki.Workload("bookinfo", "productpage"), server: c => presented = c);

        Assert.Equal("mtls", await client.GetStringAsync("/"));
        Assert.Equal(rotated.Leaf.SerialNumber, presented!.SerialNumber);
    }

    [Fact]
    public async Task Tls_1_0_is_refused_naming_the_field()
    {
        var chain = Chain("mtls");
        var context = new Envoy.Extensions.TransportSockets.Tls.V3.DownstreamTlsContext { CommonTlsContext = TlsConfigs.IstioCommon(["h2"]) };
        context.CommonTlsContext.TlsParams = new Envoy.Extensions.TransportSockets.Tls.V3.TlsParameters
        {
            TlsMinimumProtocolVersion = Envoy.Extensions.TransportSockets.Tls.V3.TlsParameters.Types.TlsProtocol.Tlsv10,
        };
        chain.TransportSocket = TlsConfigs.Server(context);

        var error = await _proxy.ApplyAsync(Trellis.Xds.TypeUrls.Listener, Listener(_port, chain));

        Assert.Equal("listener \"chains\" filter chain \"mtls\" transport_socket common_tls_context tls_params.tls_minimum_protocol_version: " +
                     "Tlsv10 is not supported (TLSv1_2 or TLSv1_3)", error);
    }

    [Fact]
    public async Task Require_client_certificate_without_trusted_CAs_is_refused()
    {
        var chain = Chain("mtls");
        chain.TransportSocket = TlsConfigs.Server(new Envoy.Extensions.TransportSockets.Tls.V3.DownstreamTlsContext
        {
            CommonTlsContext = new Envoy.Extensions.TransportSockets.Tls.V3.CommonTlsContext { TlsCertificateSdsSecretConfigs = { TlsConfigs.Sds("default") } },
            RequireClientCertificate = true,
        });

        var error = await _proxy.ApplyAsync(Trellis.Xds.TypeUrls.Listener, Listener(_port, chain));

        Assert.Contains("require_client_certificate needs a validation context with trusted CAs", error);
    }
}
