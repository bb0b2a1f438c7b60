using System.Collections.Frozen;
using Envoy.Config.Core.V3;
using Microsoft.AspNetCore.Http;
using Trellis.Proxy.Bootstrap;
using Trellis.Proxy.Completion;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Forwarding;
using Trellis.Proxy.Listeners;
using Trellis.Proxy.Telemetry;
using Trellis.Proxy.Tests.Support;

namespace Trellis.Proxy.Tests.Telemetry;

/// <summary>Each metric keeps at most its cap of series; label sets beyond it count in one overflow series
/// and in the dropped-label-sets counter, so every observation is still counted once.</summary>
public class SeriesCapTests
{
    private static readonly ListenerModel Inbound = TestListeners.VirtualInbound;

    private static readonly OwnIdentity Own = TestIdentities.ReviewsV1;

    private readonly MetricRegistry _registry = new();

    private void Record(IstioMetrics metrics, ProxySnapshot snapshot, string peerWorkload)
    {
        var http = new DefaultHttpContext();
        http.Response.StatusCode = 200;
        var peer = PeerIdentity.FromLabels(peerWorkload, "bookinfo", null, new Dictionary<string, string>());
        metrics.OnCompleted(CompletionRecord.ForRequest(new RequestContext(http, snapshot, Inbound, Inbound.OnlyChain()) { Peer = peer }, details: false));
    }

    [Fact]
    public void Peers_beyond_the_cap_count_in_the_overflow_series()
    {
        var metrics = new IstioMetrics(_registry, Own, maxSeries: 5);
        var snapshot = ProxySnapshot.Empty with { Listeners = FrozenDictionary<string, ListenerModel>.Empty };

        for (var i = 0; i < 50; i++) Record(metrics, snapshot, $"caller-{i}");

        Assert.Equal(5, metrics.Requests.SeriesCount);
        Assert.Equal(5, metrics.Duration.SeriesCount);
        Assert.Equal(45, metrics.Requests.OverflowValue);
        Assert.Equal(45, metrics.Requests.DroppedLabelSets);
        var lines = _registry.Render().Split('\n');
        Assert.Equal(5, lines.Count(l => l.StartsWith("istio_requests_total{reporter=", StringComparison.Ordinal)));
        Assert.Contains("istio_requests_total{otel_metric_overflow=\"true\"} 45", lines);
        Assert.Contains("istio_request_duration_milliseconds_count{otel_metric_overflow=\"true\"} 45", lines);
        Assert.Contains("trellis_metric_label_sets_dropped_total{metric=\"istio_requests_total\"} 45", lines);
        Assert.Contains("trellis_metric_label_sets_dropped_total{metric=\"istio_tcp_connections_opened_total\"} 0", lines);
    }

    [Fact]
    public void Known_series_keep_counting_after_the_cap_is_reached()
    {
        var counter = new Counter("requests", "help", ["peer"], maxSeries: 2);
        counter.Increment(["a"]);
        counter.Increment(["b"]);
        counter.Increment(["c"]);
        counter.Increment(["a"]);

        Assert.Equal(2, counter.Value(["a"]));
        Assert.Equal(1, counter.Value(["b"]));
        Assert.Equal(0, counter.Value(["c"]));
        Assert.Equal(1, counter.OverflowValue);
        Assert.Equal(2, counter.SeriesCount);
    }

    [Fact]
    public async Task Racing_label_sets_never_exceed_the_cap()
    {
        var counter = new Counter("requests", "help", ["peer"], maxSeries: 100);
        await Parallel.ForAsync(0, 10_000, (i, _) =>
        {
            counter.Increment([(i % 500).ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            return ValueTask.CompletedTask;
        });

        Assert.Equal(100, counter.SeriesCount);
        var registry = new MetricRegistry();
        registry.Add(counter);
        var counted = registry.Render().Split('\n').Where(l => l.StartsWith("requests{", StringComparison.Ordinal)).Sum(l => long.Parse(l[(l.LastIndexOf(' ') + 1)..]));
        Assert.Equal(10_000, counted);
    }
}
