using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Trellis.Proxy.Telemetry;

namespace Trellis.Bench.Metrics;

/// <summary>What one HTTP request records in Istio's standard metrics (istio_requests_total +1, and one observation each
/// in istio_request_duration_milliseconds, istio_request_bytes and istio_response_bytes), with Istio's 25 labels, over
/// 20 distinct label sets in turn: by the proxy's hand-written metrics, and by System.Diagnostics.Metrics aggregated by
/// the OpenTelemetry .NET SDK with Istio's buckets and its Prometheus exporter. Each side gets its best case: the proxy
/// finds a request's series through its per-snapshot cache, the SDK is handed a prebuilt tag array.</summary>
[MemoryDiagnoser]
public class IstioRequestMetrics
{
    private const int LabelSets = 20;

    private string[][] _labels = null!;
    private KeyValuePair<string, object?>[][] _tags = null!;
    private object[] _keys = null!;
    private IstioMetrics _trellis = null!;
    private MetricRegistry _registry = null!;
    private ConcurrentDictionary<object, RequestSeries> _seriesCache = null!;
    private Meter _meter = null!;
    private MeterProvider _provider = null!;
    private Counter<long> _requests = null!;
    private Histogram<double> _duration = null!;
    private Histogram<long> _requestBytes = null!;
    private Histogram<long> _responseBytes = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _labels = Enumerable.Range(0, LabelSets).Select(LabelsOf).ToArray();
        _tags = _labels.Select(values => IstioMetrics.LabelNames.Zip(values, (n, v) => new KeyValuePair<string, object?>(n, v)).ToArray()).ToArray();
        _keys = Enumerable.Range(0, LabelSets).Select(_ => new object()).ToArray();

        _registry = new MetricRegistry();
        _trellis = new IstioMetrics(_registry, new Trellis.Proxy.Bootstrap.OwnIdentity("bench", PeerIdentity.FromLabels("bench", "bench", "default", new Dictionary<string, string>()), ""));
        _seriesCache = new ConcurrentDictionary<object, RequestSeries>(ReferenceEqualityComparer.Instance);

        _meter = new Meter("bench.istio");
        _requests = _meter.CreateCounter<long>("istio_requests_total");
        _duration = _meter.CreateHistogram<double>("istio_request_duration_milliseconds");
        _requestBytes = _meter.CreateHistogram<long>("istio_request_bytes");
        _responseBytes = _meter.CreateHistogram<long>("istio_response_bytes");
        var buckets = IstioMetrics.EnvoyDefaultBuckets;
        _provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(_meter.Name)
            .AddView("istio_request_duration_milliseconds", new ExplicitBucketHistogramConfiguration { Boundaries = buckets })
            .AddView("istio_request_bytes", new ExplicitBucketHistogramConfiguration { Boundaries = buckets })
            .AddView("istio_response_bytes", new ExplicitBucketHistogramConfiguration { Boundaries = buckets })
            .AddPrometheusHttpListener(o => (o.Host, o.Port) = ("127.0.0.1", FreePort()))
            .Build()!;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _provider.Dispose();
        _meter.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Trellis: cached series")]
    public void TrellisCached()
    {
        var i = Next();
        var series = _seriesCache.GetOrAdd(_keys[i], static (_, state) => new RequestSeries(
            state.Metrics.Requests.For(state.Labels), state.Metrics.Duration.For(state.Labels),
            state.Metrics.RequestBytes.For(state.Labels), state.Metrics.ResponseBytes.For(state.Labels)), (Metrics: _trellis, Labels: _labels[i]));
        series.Requests.Increment();
        series.Duration.Observe(12.5);
        series.RequestBytes.Observe(0);
        series.ResponseBytes.Observe(1024);
    }

    [Benchmark(Description = "Trellis: series by label values")]
    public void TrellisByLabels()
    {
        var labels = _labels[Next()];
        _trellis.Requests.Increment(labels);
        _trellis.Duration.Observe(labels, 12.5);
        _trellis.RequestBytes.Observe(labels, 0);
        _trellis.ResponseBytes.Observe(labels, 1024);
    }

    [Benchmark(Description = "OpenTelemetry SDK")]
    public void OpenTelemetrySdk()
    {
        ReadOnlySpan<KeyValuePair<string, object?>> tags = _tags[Next()];
        _requests.Add(1, tags);
        _duration.Record(12.5, tags);
        _requestBytes.Record(0, tags);
        _responseBytes.Record(1024, tags);
    }

    private int Next() => _next = (_next + 1) % LabelSets;

    private static string[] LabelsOf(int i) => IstioMetrics.LabelNames.Select(name => name switch
    {
        "reporter" => "destination",
        "response_code" => i % 5 == 0 ? "503" : "200",
        "source_workload" => $"productpage-v{i % 4}",
        "destination_workload" => $"reviews-v{i % 3}",
        "response_flags" => i % 5 == 0 ? "UF" : "-",
        _ => $"{name}-value",
    }).ToArray();

    private static int FreePort()
    {
        using var socket = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        socket.Start();
        return ((System.Net.IPEndPoint)socket.LocalEndpoint).Port;
    }
}
