using Envoy.Config.Core.V3;
using Trellis.Proxy.Tests.Support;
using static Trellis.Proxy.Tests.Support.Envoy;

namespace Trellis.Proxy.Tests.Telemetry;

/// <summary>client → productpage sidecar (outbound) → reviews sidecar (inbound) → app, as in the mesh.</summary>
public sealed class InboundTelemetryTests : IAsyncLifetime
{
    private const string Reviews = "outbound|9080||reviews.bookinfo.svc.cluster.local";
    private TestProxy _client = null!;
    private TestProxy _server = null!;
    private Upstream _app = null!;
    private int _outbound;

    public async Task InitializeAsync()
    {
        _app = await Upstream.StartAsync("reviews-app");
        _client = await TestProxy.StartAsync();
        _server = await TestProxy.StartAsync("sidecar~127.0.0.1~reviews-v1-0.bookinfo~bookinfo.svc.cluster.local");
        var inbound = Ports.Free();
        _outbound = Ports.Free();
        await _server.PushAsync([Eds("inbound|9080||", serviceHost: "reviews.bookinfo.svc.cluster.local")], [Endpoints("inbound|9080||", _app.Port)],
            [Listener("virtualInbound", inbound, "inbound", TrafficDirection.Inbound)], [Routes("inbound", Host("inbound", ["*"], ToCluster("inbound|9080||")))]);
        await _client.PushAsync([Eds(Reviews, serviceHost: "reviews.bookinfo.svc.cluster.local")], [EndpointsWith(Reviews, (inbound, "reviews-v1;bookinfo;reviews;v1;Kubernetes"))],
            [Listener("virtualOutbound", _outbound, "outbound")], [Routes("outbound", Host("reviews", ["reviews:9080"], ToCluster(Reviews)))]);
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _server.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Peer_metadata_is_stripped_before_the_app_and_labels_the_inbound_side()
    {
        using var http = TestProxy.ClientVia(_outbound);
        var response = await http.GetAsync("http://reviews:9080/reviews/1");
        Assert.Equal("reviews-app", await response.Content.ReadAsStringAsync());
        Assert.False(response.Headers.Contains("x-seen-x-envoy-peer-metadata"));

        var lines = (await _server.Admin.GetStringAsync("/stats/prometheus")).Split('\n');
        var inbound = lines.Single(l => l.StartsWith("istio_requests_total{", StringComparison.Ordinal));
        Assert.Contains("reporter=\"destination\"", inbound);
        Assert.Contains("source_workload=\"productpage-v1\"", inbound);
        Assert.Contains("source_app=\"productpage\"", inbound);
        Assert.Contains("destination_workload=\"productpage-v1\"", inbound); // the test proxy's own options name it so
        Assert.Contains("destination_service=\"reviews.bookinfo.svc.cluster.local\"", inbound);
        Assert.Contains("connection_security_policy=\"none\"", inbound);
    }
}
