using System.Text;
using BenchmarkDotNet.Attributes;
using Trellis.Proxy.Admin;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Telemetry;

namespace Trellis.Bench.Metrics;

/// <summary>One Prometheus scrape of Istio's request metrics with <see cref="LabelSets"/> label sets (each a counter
/// series and three 20-bucket histogram series): Trellis's rendering alone (into a buffer kept between runs, so the serializer's own cost), Trellis's admin server answering
/// GET /stats/prometheus (Kestrel), and the OpenTelemetry SDK's Prometheus exporter answering GET /metrics (its
/// HttpListener; its serializer is not public, so it is only measured behind HTTP). Both servers are in this process
/// and scraped over loopback by the same client, so allocations on either side count.</summary>
[MemoryDiagnoser]
public class IstioScrape
{
    [Params(20, 200)]
    public int LabelSets { get; set; }

    private MetricRegistry _registry = null!;
    private AdminServer _admin = null!;
    private OpenTelemetryIstio _openTelemetry = null!;
    private HttpClient _client = null!;
    private Uri _trellisUri = null!;
    private readonly System.Buffers.ArrayBufferWriter<byte> _rendered = new();

    [GlobalSetup]
    public async Task Setup()
    {
        var records = BookinfoTraffic.Records(LabelSets);
        _registry = new MetricRegistry();
        var trellis = new IstioMetrics(_registry, BookinfoTraffic.ReviewsV1);
        _openTelemetry = new OpenTelemetryIstio();
        foreach (var record in records)
        {
            trellis.OnCompleted(record);
            _openTelemetry.Record(record, OpenTelemetryIstio.Tags(trellis.Labels(record)));
        }
        _admin = new AdminServer(new SnapshotHolder(), () => true, _registry, BookinfoTraffic.ReviewsV1.NodeId, () => { }, new AdminToken(null));
        await _admin.StartAsync(0, CancellationToken.None);
        _trellisUri = new Uri($"http://127.0.0.1:{_admin.Port}/stats/prometheus");
        _client = new HttpClient();

        // Both must expose the same series, or the comparison is of different work.
        var own = await _client.GetStringAsync(_trellisUri);
        var library = await _client.GetStringAsync(_openTelemetry.ScrapeUri);
        foreach (var series in new[] { "istio_requests_total{", "istio_request_duration_milliseconds_bucket{", "istio_response_bytes_count{" })
        {
            var (ownCount, libraryCount) = (Lines(own, series), Lines(library, series));
            if (ownCount != libraryCount || ownCount == 0)
                throw new InvalidOperationException($"{series}: Trellis exposes {ownCount} series, OpenTelemetry {libraryCount}");
        }
        Console.WriteLine($"// scrape size with {LabelSets} label sets: Trellis {Encoding.UTF8.GetByteCount(own)} B, OpenTelemetry {Encoding.UTF8.GetByteCount(library)} B");
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        _client.Dispose();
        await _admin.DisposeAsync();
        _openTelemetry.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Trellis: rendering into a reused buffer")]
    public ValueTask TrellisRender()
    {
        _rendered.ResetWrittenCount();
        return _registry.WriteToAsync(new PrometheusWriter(_rendered), CancellationToken.None);
    }

    [Benchmark(Description = "Trellis: GET /stats/prometheus (admin server)")]
    public Task TrellisScrape() => Scrape(_trellisUri);

    [Benchmark(Description = "OpenTelemetry: GET /metrics (Prometheus exporter)")]
    public Task OpenTelemetryScrape() => Scrape(_openTelemetry.ScrapeUri);

    private async Task Scrape(Uri uri)
    {
        using var response = await _client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await response.Content.CopyToAsync(Stream.Null);
    }

    private static int Lines(string text, string prefix) =>
        text.Split('\n').Count(line => line.StartsWith(prefix, StringComparison.Ordinal));
}
