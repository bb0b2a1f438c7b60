using BenchmarkDotNet.Attributes;
using Trellis.Proxy.Completion;
using Trellis.Proxy.Telemetry;

namespace Trellis.Bench.Metrics;

/// <summary>What one HTTP request records in Istio's metrics (istio_requests_total +1, and one observation each in
/// istio_request_duration_milliseconds, istio_request_bytes and istio_response_bytes) with Istio's 25 labels, the
/// requests drawn from 20 distinct label sets in a fixed pseudo-random order.
/// <list type="bullet">
/// <item>Trellis: the proxy's own observer, <see cref="IstioMetrics.OnCompleted"/>, on a real completion record: the
/// series key, the per-snapshot series cache, one increment and three observations.</item>
/// <item>Trellis by label values: the path taken when a Telemetry override rewrites labels (each metric looks its
/// series up by the 25 values; the override rules themselves are left out).</item>
/// <item>OpenTelemetry: the same four measurements through System.Diagnostics.Metrics into the SDK. Both variants are
/// handed the record's label values already computed, so they skip the key and cache lookup the Trellis row pays
/// for: the comparison is tilted towards the library.</item>
/// </list></summary>
[MemoryDiagnoser]
public class IstioRequestMetrics
{
    private const int LabelSets = 20;

    private CompletionRecord[] _records = null!;
    private int[] _order = null!;
    private string[][] _labels = null!;
    private KeyValuePair<string, object?>[][] _tags = null!;
    private IstioMetrics _trellis = null!;
    private OpenTelemetryIstio _openTelemetry = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _records = BookinfoTraffic.Records(LabelSets);
        _order = BookinfoTraffic.Order(LabelSets);
        _trellis = new IstioMetrics(new MetricRegistry(), BookinfoTraffic.ReviewsV1);
        _labels = _records.Select(r => _trellis.Labels(r)).ToArray();
        if (_labels.Select(l => string.Join('\n', l)).Distinct().Count() != LabelSets)
            throw new InvalidOperationException("the records must make distinct label sets");
        _tags = _labels.Select(OpenTelemetryIstio.Tags).ToArray();
        _openTelemetry = new OpenTelemetryIstio();
    }

    [GlobalCleanup]
    public void Cleanup() => _openTelemetry.Dispose();

    [Benchmark(Baseline = true, Description = "Trellis: IstioMetrics.OnCompleted (cached series)")]
    public void Trellis() => _trellis.OnCompleted(in _records[Next()]);

    [Benchmark(Description = "Trellis: series by label values")]
    public void TrellisByLabels()
    {
        var i = Next();
        ref readonly var record = ref _records[i];
        var labels = _labels[i];
        _trellis.Requests.Increment(labels);
        _trellis.Duration.Observe(labels, record.Duration.TotalMilliseconds);
        _trellis.RequestBytes.Observe(labels, record.BytesReceived ?? 0);
        _trellis.ResponseBytes.Observe(labels, record.BytesSent ?? 0);
    }

    [Benchmark(Description = "OpenTelemetry SDK: TagList per request")]
    public void OpenTelemetryTagList()
    {
        var i = Next();
        _openTelemetry.Record(in _records[i], _labels[i]);
    }

    [Benchmark(Description = "OpenTelemetry SDK: prebuilt tag array")]
    public void OpenTelemetryPrebuilt()
    {
        var i = Next();
        _openTelemetry.Record(in _records[i], _tags[i]);
    }

    private int Next() => _order[_next++ & (BookinfoTraffic.OrderLength - 1)];
}
