using Envoy.Config.Core.V3;
using Envoy.Config.Endpoint.V3;
using Envoy.Config.Listener.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.Proxy.Tests.Support;
using static Trellis.Proxy.Tests.Support.Envoy;
using Cluster = Envoy.Config.Cluster.V3.Cluster;

namespace Trellis.Proxy.Tests.Outbound.Endpoint;

/// <summary>Sidecar to sidecar: the client's cluster originates mTLS with its <c>default</c> certificate and verifies the
/// server's SPIFFE identity; the server's chain requires a certificate from the mesh CA. A wrong identity is a connect
/// failure with Envoy's reason; transport_socket_matches speak mTLS only to endpoints labelled tlsMode istio.</summary>
public sealed class UpstreamTlsTests : IAsyncLifetime
{
    private const string Reviews = "spiffe://cluster.local/ns/bookinfo/sa/reviews";
    private const string Sni = "outbound_.9080_._.reviews.bookinfo.svc.cluster.local";

    private readonly TestPki _pki = new();
    private readonly string _log = Path.Combine(Path.GetTempPath(), $"trellis-upstream-tls-{Guid.NewGuid():N}.log");
    private TestProxy _client = null!;
    private TestProxy _server = null!;
    private Upstream _app = null!;
    private Upstream _plain = null!;
    private int _outbound;
    private int _inbound;

    public async Task InitializeAsync()
    {
        _app = await Upstream.StartAsync("reviews");
        _plain = await Upstream.StartAsync("legacy");
        _client = await TestProxy.StartAsync();
        _server = await TestProxy.StartAsync("sidecar~127.0.0.1~reviews-v1-0.bookinfo~bookinfo.svc.cluster.local");
        _client.Runtime.Secrets.Set("default", _pki.Workload("bookinfo", "bookinfo-productpage"));
        _client.Runtime.Secrets.Set("ROOTCA", _pki.Validation);
        _server.Runtime.Secrets.Set("default", _pki.Workload("bookinfo", "reviews"));
        _server.Runtime.Secrets.Set("ROOTCA", _pki.Validation);
        (_outbound, _inbound) = (Ports.Free(), Ports.Free());
        var chain = Chains.Chain("inbound");
        chain.TransportSocket = TlsConfigs.MutualServer("h2", "http/1.1");
        var inbound = Chains.Listener(_inbound, chain);
        inbound.Name = "virtualInbound";
        inbound.TrafficDirection = TrafficDirection.Inbound;
        await _server.PushAsync([Eds("app")], [Endpoints("app", _app.Port)], [inbound], [Routes("inbound", Host("app", ["*"], ToCluster("app")))]);
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _server.DisposeAsync();
        await _app.DisposeAsync();
        await _plain.DisposeAsync();
        _pki.Dispose();
        File.Delete(_log);
    }

    private static Cluster Mutual(string expectedSan, bool http2 = false)
    {
        var cluster = Eds("reviews", http2);
        cluster.TransportSocket = TlsConfigs.MutualClient(Sni, expectedSan);
        return cluster;
    }

    private Task PushClientAsync(Cluster cluster, ClusterLoadAssignment? endpoints = null) => _client.PushAsync([cluster], [endpoints ?? Endpoints("reviews", _inbound)],
        [Listener("out", _outbound, "r").WithAccessLogs(AccessLogConfigs.File(_log, "%RESPONSE_CODE% %RESPONSE_FLAGS% %UPSTREAM_TRANSPORT_FAILURE_REASON%\n"))],
        [Routes("r", Host("h", ["*"], ToCluster("reviews")))]);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Sidecars_speak_mutual_tls_over_http1_and_h2(bool http2)
    {
        await PushClientAsync(Mutual(Reviews, http2));
        using var client = TestProxy.ClientVia(_outbound);

        using var response = await client.GetAsync("http://reviews:9080/reviews/1");

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("reviews", await response.Content.ReadAsStringAsync());
        Assert.Equal(http2 ? "HTTP/2" : "HTTP/1.1", response.Headers.GetValues("x-seen-protocol").Single());
    }

    [Fact]
    public async Task A_server_with_another_identity_is_a_connect_failure_with_the_reason()
    {
        await PushClientAsync(Mutual("spiffe://cluster.local/ns/bookinfo/sa/ratings"));
        using var client = TestProxy.ClientVia(_outbound);

        using var response = await client.GetAsync("http://reviews:9080/reviews/1");

        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("upstream connect error or disconnect/reset before headers. reset reason: connection failure", await response.Content.ReadAsStringAsync());
        var line = Assert.Single(await AccessLogConfigs.LinesAsync(_log, 1));
        Assert.StartsWith("503 UF TLS_error: CERTIFICATE_VERIFY_FAILED: peer certificate SANs [spiffe://cluster.local/ns/bookinfo/sa/reviews] match none", line);
        Assert.Equal(0, _app.Requests);
    }

    [Fact]
    public async Task Plaintext_to_a_strict_server_fails()
    {
        await PushClientAsync(Eds("reviews"));
        using var client = TestProxy.ClientVia(_outbound);

        using var response = await client.GetAsync("http://reviews:9080/reviews/1");

        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(0, _app.Requests);
    }

    [Fact]
    public async Task Transport_socket_matches_pick_mtls_for_sidecar_endpoints_and_plaintext_for_the_rest()
    {
        var cluster = Eds("reviews");
        cluster.TransportSocketMatches.Add(new Cluster.Types.TransportSocketMatch
        {
            Name = "tlsMode-istio",
            Match = new Struct { Fields = { ["tlsMode"] = Value.ForString("istio") } },
            TransportSocket = TlsConfigs.MutualClient(Sni, Reviews),
        });
        cluster.TransportSocketMatches.Add(new Cluster.Types.TransportSocketMatch
        {
            Name = "tlsMode-disabled",
            Match = new Struct(),
            TransportSocket = new TransportSocket { Name = "envoy.transport_sockets.raw_buffer" },
        });
        var endpoints = new ClusterLoadAssignment
        {
            ClusterName = "reviews",
            Endpoints = { new LocalityLbEndpoints { LbEndpoints = { Endpoint(_inbound, sidecar: true), Endpoint(_plain.Port, sidecar: false) } } },
        };
        await PushClientAsync(cluster, endpoints);
        using var client = TestProxy.ClientVia(_outbound);

        var answers = new HashSet<string>();
        for (var i = 0; i < 20; i++)
        {
            using var response = await client.GetAsync("http://reviews:9080/reviews/1");
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            answers.Add(await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(["legacy", "reviews"], answers.Order());
    }

    [Fact]
    public async Task Rotating_certificates_on_both_sides_under_load_fails_no_request()
    {
        await PushClientAsync(Mutual(Reviews));
        using var client = TestProxy.ClientVia(_outbound);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        var failures = 0;
        var served = 0;
        var load = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await client.GetAsync("http://reviews:9080/reviews/1");
                if (response.StatusCode == System.Net.HttpStatusCode.OK) Interlocked.Increment(ref served);
                else Interlocked.Increment(ref failures);
            }
        })).ToArray();
        while (!stop.IsCancellationRequested)
        {
            _server.Runtime.Secrets.Set("default", _pki.Workload("bookinfo", "reviews"));
            _client.Runtime.Secrets.Set("default", _pki.Workload("bookinfo", "bookinfo-productpage"));
            await Task.Delay(100);
        }
        await Task.WhenAll(load);

        Assert.Equal(0, failures);
        Assert.True(served > 50, $"only {served} requests were served");
    }

    private static LbEndpoint Endpoint(int port, bool sidecar)
    {
        var endpoint = new LbEndpoint
        {
            Endpoint = new global::Envoy.Config.Endpoint.V3.Endpoint { Address = new Address { SocketAddress = new SocketAddress { Address = "127.0.0.1", PortValue = (uint)port } } },
            HealthStatus = HealthStatus.Healthy,
        };
        if (sidecar)
            endpoint.Metadata = new Metadata { FilterMetadata = { ["envoy.transport_socket_match"] = new Struct { Fields = { ["tlsMode"] = Value.ForString("istio") } } } };
        return endpoint;
    }
}
