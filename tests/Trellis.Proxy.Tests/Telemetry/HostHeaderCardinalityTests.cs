using Envoy.Config.Core.V3;
using Trellis.Proxy.Tests.Support;
using static Trellis.Proxy.Tests.Support.Envoy;

namespace Trellis.Proxy.Tests.Telemetry;

/// <summary>Measures this process's managed heap, so nothing else may run beside it.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasuringCollection
{
    public const string Name = "memory measuring";
}

/// <summary>Issue 7: 55,700 requests with random Host headers made one sidecar keep 27,902 series and grow to
/// gigabytes. The inbound side names the destination service from its cluster's metadata, so random Hosts
/// all land in the same series, and neither the series, the scrape nor the heap grows with them.</summary>
[Collection(MemoryMeasuringCollection.Name)]
public sealed class HostHeaderCardinalityTests : IAsyncLifetime
{
    private const int Requests = 50_000;
    private TestProxy _sidecar = null!;
    private Upstream _app = null!;
    private int _inbound;

    public async Task InitializeAsync()
    {
        _app = await Upstream.StartAsync("reviews-app");
        _sidecar = await TestProxy.StartAsync("sidecar~127.0.0.1~reviews-v1-0.bookinfo~bookinfo.svc.cluster.local");
        _inbound = Ports.Free();
        await _sidecar.PushAsync([Eds("inbound|9080||", serviceHost: "reviews.bookinfo.svc.cluster.local")], [Endpoints("inbound|9080||", _app.Port)],
            [Listener("virtualInbound", _inbound, "inbound", TrafficDirection.Inbound)], [Routes("inbound", Host("inbound", ["*"], ToCluster("inbound|9080||")))]);
    }

    public async Task DisposeAsync()
    {
        await _sidecar.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Fifty_thousand_random_hosts_leave_series_scrape_and_heap_flat()
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 8 });
        await SendWithRandomHostsAsync(client, 1_000);
        var metrics = _sidecar.Runtime.IstioMetrics;
        var seriesBefore = metrics.Requests.SeriesCount + metrics.Duration.SeriesCount;
        var scrapeBefore = (await _sidecar.Admin.GetStringAsync("/stats/prometheus")).Length;
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);

        await SendWithRandomHostsAsync(client, Requests);

        var heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        var scrape = await _sidecar.Admin.GetStringAsync("/stats/prometheus");
        Assert.Equal(seriesBefore, metrics.Requests.SeriesCount + metrics.Duration.SeriesCount);
        Assert.Equal(2, seriesBefore);
        // Only the counts' digits may grow.
        Assert.InRange(scrape.Length - scrapeBefore, 0, 200);
        Assert.DoesNotContain(".example", scrape);
        Assert.Contains("destination_service=\"reviews.bookinfo.svc.cluster.local\"", scrape);
        Assert.Contains("trellis_metric_label_sets_dropped_total{metric=\"istio_requests_total\"} 0", scrape);
        Assert.True(heapAfter - heapBefore < 16 * 1024 * 1024, $"the managed heap grew by {(heapAfter - heapBefore) / 1024} KiB");
        var counted = scrape.Split('\n').Where(l => l.StartsWith("istio_requests_total{", StringComparison.Ordinal))
            .Sum(l => long.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(Requests + 1_000, counted);
    }

    private async Task SendWithRandomHostsAsync(HttpClient client, int count)
    {
        var uri = new Uri($"http://127.0.0.1:{_inbound}/reviews/1");
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, ct) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.Host = $"{Guid.NewGuid():N}.example:9080";
            using var response = await client.SendAsync(request, ct);
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        });
    }
}
