using Envoy.Config.Core.V3;
using Trellis.Proxy.Tests.Support;
using static Trellis.Proxy.Tests.Support.Envoy;

namespace Trellis.Proxy.Tests.Telemetry;

/// <summary>Over mTLS both sides' istio_requests_total tell the truth from the certificates: the server reports
/// connection_security_policy mutual_tls and the client's SPIFFE ID as source_principal; the client reports the
/// identity the server proved as destination_principal.</summary>
public sealed class MutualTlsTelemetryTests : IAsyncLifetime
{
    private const string Reviews = "outbound|9080||reviews.bookinfo.svc.cluster.local";
    private readonly TestPki _pki = new();
    private TestProxy _client = null!;
    private TestProxy _server = null!;
    private Upstream _app = null!;
    private int _outbound;

    public async Task InitializeAsync()
    {
        _app = await Upstream.StartAsync("reviews-app");
        _client = await TestProxy.StartAsync();
        _server = await TestProxy.StartAsync("sidecar~127.0.0.1~reviews-v1-0.bookinfo~bookinfo.svc.cluster.local");
        _client.Runtime.Secrets.Set("default", _pki.Workload("bookinfo", "bookinfo-productpage"));
        _client.Runtime.Secrets.Set("ROOTCA", _pki.Validation);
        _server.Runtime.Secrets.Set("default", _pki.Workload("bookinfo", "bookinfo-reviews"));
        _server.Runtime.Secrets.Set("ROOTCA", _pki.Validation);
        var inbound = Ports.Free();
        _outbound = Ports.Free();
        var listener = Listener("virtualInbound", inbound, "inbound", TrafficDirection.Inbound);
        listener.FilterChains[0].TransportSocket = TlsConfigs.MutualServer();
        await _server.PushAsync([Eds("inbound|9080||", serviceHost: "reviews.bookinfo.svc.cluster.local")], [Endpoints("inbound|9080||", _app.Port)],
            [listener], [Routes("inbound", Host("inbound", ["*"], ToCluster("inbound|9080||")))]);
        var cluster = Eds(Reviews, serviceHost: "reviews.bookinfo.svc.cluster.local");
        cluster.TransportSocket = TlsConfigs.MutualClient("outbound_.9080_._.reviews.bookinfo.svc.cluster.local", "spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews");
        await _client.PushAsync([cluster], [EndpointsWith(Reviews, (inbound, "reviews-v1;bookinfo;reviews;v1;Kubernetes"))],
            [Listener("virtualOutbound", _outbound, "outbound")], [Routes("outbound", Host("reviews", ["reviews:9080"], ToCluster(Reviews)))]);
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _server.DisposeAsync();
        await _app.DisposeAsync();
        _pki.Dispose();
    }

    /// <summary>A proxy counts a request when it completes, which may be just after the client has read the answer.</summary>
    private static async Task<string> RequestsLineAsync(TestProxy proxy)
    {
        for (var i = 0; ; i++)
        {
            var line = (await proxy.Admin.GetStringAsync("/stats/prometheus")).Split('\n').SingleOrDefault(l => l.StartsWith("istio_requests_total{", StringComparison.Ordinal));
            if (line is not null || i == 50) return line ?? "";
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Principals_and_the_security_policy_come_from_the_certificates()
    {
        using var http = TestProxy.ClientVia(_outbound);
        Assert.Equal("reviews-app", await http.GetStringAsync("http://reviews:9080/reviews/1"));

        var inbound = await RequestsLineAsync(_server);
        Assert.Contains("connection_security_policy=\"mutual_tls\"", inbound);
        Assert.Contains("source_principal=\"spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage\"", inbound);
        var outbound = await RequestsLineAsync(_client);
        Assert.Contains("destination_principal=\"spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews\"", outbound);
        Assert.Contains("connection_security_policy=\"unknown\"", outbound);
    }
}
