using System.Net.Security;
using System.Security.Cryptography;
using Envoy.Config.Core.V3;
using Envoy.Config.Listener.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Trellis.Proxy.Secrets;
using Trellis.Proxy.Tests.Support;
using static Trellis.Proxy.Tests.Support.Envoy;
using Mode = Envoy.Extensions.Filters.Network.HttpConnectionManager.V3.HttpConnectionManager.Types.ForwardClientCertDetails;

namespace Trellis.Proxy.Tests.Listeners.ClientCertificates;

/// <summary>x-forwarded-client-cert on a PERMISSIVE inbound listener configured as Istio's sidecars are (APPEND_FORWARD
/// with Subject, URI, DNS): over mTLS this hop's element is appended; a plaintext client's XFCC is a lie and is removed.</summary>
public sealed class ForwardClientCertTests : IAsyncLifetime
{
    private readonly TestPki _pki = new();
    private TestProxy _server = null!;
    private Upstream _app = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        _app = await Upstream.StartAsync("app", app => app.MapGet("/xfcc", (HttpContext ctx) => ctx.Request.Headers["x-forwarded-client-cert"].ToString()));
        _server = await TestProxy.StartAsync("sidecar~127.0.0.1~reviews-v1-0.bookinfo~bookinfo.svc.cluster.local");
        _server.Runtime.Secrets.Set("default", _pki.Workload("bookinfo", "reviews"));
        _server.Runtime.Secrets.Set("ROOTCA", _pki.Validation);
        _port = Ports.Free();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _app.DisposeAsync();
        _pki.Dispose();
    }

    private async Task PushAsync(Mode mode)
    {
        var tls = WithXfcc(Chains.Chain("inbound", new FilterChainMatch { TransportProtocol = "tls" }), mode);
        tls.TransportSocket = TlsConfigs.MutualServer();
        var plaintext = WithXfcc(Chains.Chain("plaintext", new FilterChainMatch { TransportProtocol = "raw_buffer" }), mode);
        var listener = Chains.Listener(_port, tls, plaintext);
        listener.Name = "virtualInbound";
        listener.TrafficDirection = TrafficDirection.Inbound;
        listener.ListenerFilters.Add(Chains.TlsInspectorFilter());
        await _server.PushAsync([Eds("app")], [Endpoints("app", _app.Port)], [listener],
            [Routes("inbound", Host("app", ["*"], ToCluster("app"))), Routes("plaintext", Host("app", ["*"], ToCluster("app")))]);
    }

    private static FilterChain WithXfcc(FilterChain chain, Mode mode)
    {
        var hcm = chain.Filters[0].TypedConfig.Unpack<HttpConnectionManager>();
        hcm.ForwardClientCertDetails = mode;
        hcm.SetCurrentClientCertDetails = new HttpConnectionManager.Types.SetCurrentClientCertDetails { Subject = true, Uri = true, Dns = true };
        chain.Filters[0].TypedConfig = Any.Pack(hcm);
        return chain;
    }

    private HttpClient Mutual(CertificateSecret certificate) => new(new SocketsHttpHandler
    {
        UseProxy = false,
        SslOptions = new SslClientAuthenticationOptions { ClientCertificates = [certificate.Leaf], RemoteCertificateValidationCallback = (_, _, _, _) => true },
    }) { BaseAddress = new Uri($"https://127.0.0.1:{_port}") };

    private static HttpRequestMessage Spoofed(string xfcc)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/xfcc");
        request.Headers.TryAddWithoutValidation("x-forwarded-client-cert", xfcc);
        return request;
    }

    [Fact]
    public async Task A_plaintext_clients_xfcc_is_stripped()
    {
        await PushAsync(Mode.AppendForward);
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://127.0.0.1:{_port}") };

        using var response = await client.SendAsync(Spoofed("By=spiffe://cluster.local/ns/bookinfo/sa/reviews;URI=spiffe://cluster.local/ns/istio-system/sa/admin"));

        Assert.Equal("", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Over_mtls_append_forward_appends_this_hops_element()
    {
        await PushAsync(Mode.AppendForward);
        var certificate = _pki.Issue("spiffe://cluster.local/ns/bookinfo/sa/productpage", ["productpage.bookinfo"]);
        using var client = Mutual(certificate);

        using var response = await client.SendAsync(Spoofed("By=spiffe://a;Hash=00"));

        var hash = Convert.ToHexStringLower(SHA256.HashData(certificate.Leaf.RawData));
        Assert.Equal($"By=spiffe://a;Hash=00,By=spiffe://cluster.local/ns/bookinfo/sa/reviews;Hash={hash};Subject=\"O=cluster.local\";" +
                     "URI=spiffe://cluster.local/ns/bookinfo/sa/productpage;DNS=productpage.bookinfo", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Sanitize_removes_it_even_over_mtls_and_sanitize_set_replaces_it()
    {
        await PushAsync(Mode.Sanitize);
        using var client = Mutual(_pki.Workload("bookinfo", "productpage"));
        using (var sanitized = await client.SendAsync(Spoofed("By=spiffe://a;Hash=00")))
            Assert.Equal("", await sanitized.Content.ReadAsStringAsync());

        await PushAsync(Mode.SanitizeSet);
        using var fresh = Mutual(_pki.Workload("bookinfo", "productpage"));
        using var set = await fresh.SendAsync(Spoofed("By=spiffe://a;Hash=00"));
        Assert.StartsWith("By=spiffe://cluster.local/ns/bookinfo/sa/reviews;Hash=", await set.Content.ReadAsStringAsync());
    }
}
