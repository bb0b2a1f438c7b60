using System.Diagnostics.Metrics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Trellis.Proxy.Completion;
using Trellis.Proxy.Telemetry;

namespace Trellis.Bench.Metrics;

/// <summary>Istio's four request metrics as System.Diagnostics.Metrics instruments, aggregated by the OpenTelemetry .NET
/// SDK with Istio's (Envoy's default) buckets as explicit-bucket views and exposed by the SDK's Prometheus exporter
/// on a loopback port, configured as the proxy would need it: no response cache (each scrape sees the current
/// counts), and no scope labels or target_info (Istio's series carry Istio's labels only).</summary>
internal sealed class OpenTelemetryIstio : IDisposable
{
    private readonly Meter _meter = new("trellis.bench.istio");
    private readonly MeterProvider _provider;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Histogram<long> _requestBytes;
    private readonly Histogram<long> _responseBytes;

    public OpenTelemetryIstio()
    {
        _requests = _meter.CreateCounter<long>("istio_requests_total");
        _duration = _meter.CreateHistogram<double>("istio_request_duration_milliseconds");
        _requestBytes = _meter.CreateHistogram<long>("istio_request_bytes");
        _responseBytes = _meter.CreateHistogram<long>("istio_response_bytes");
        var buckets = new ExplicitBucketHistogramConfiguration { Boundaries = IstioMetrics.EnvoyDefaultBuckets };
        Port = FreePort();
        _provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(_meter.Name)
            .AddView(_duration.Name, buckets)
            .AddView(_requestBytes.Name, buckets)
            .AddView(_responseBytes.Name, buckets)
            .AddPrometheusHttpListener(o =>
            {
                (o.Host, o.Port) = ("127.0.0.1", Port);
                o.ScrapeResponseCacheDurationMilliseconds = 0;
                o.ScopeInfoEnabled = false;
                o.TargetInfoEnabled = false;
            })
            .Build();
    }

    public int Port { get; }

    public Uri ScrapeUri => new($"http://127.0.0.1:{Port}/metrics");

    /// <summary>Istio's label names and one record's values, as the tag array the instruments take.</summary>
    public static KeyValuePair<string, object?>[] Tags(string[] labelValues) =>
        IstioMetrics.LabelNames.Select((name, i) => new KeyValuePair<string, object?>(name, labelValues[i])).ToArray();

    /// <summary>What one request records, given its tags.</summary>
    public void Record(in CompletionRecord record, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        _requests.Add(1, tags);
        _duration.Record(record.Duration.TotalMilliseconds, tags);
        _requestBytes.Record(record.BytesReceived ?? 0, tags);
        _responseBytes.Record(record.BytesSent ?? 0, tags);
    }

    /// <summary>The same, with the tags gathered per request in a <see cref="System.Diagnostics.TagList"/> from the label
    /// values, as instrumentation code written against System.Diagnostics.Metrics does.</summary>
    public void Record(in CompletionRecord record, string[] labelValues)
    {
        var tags = new System.Diagnostics.TagList();
        var names = IstioMetrics.LabelNames;
        for (var i = 0; i < names.Length; i++) tags.Add(names[i], labelValues[i]);
        _requests.Add(1, in tags);
        _duration.Record(record.Duration.TotalMilliseconds, in tags);
        _requestBytes.Record(record.BytesReceived ?? 0, in tags);
        _responseBytes.Record(record.BytesSent ?? 0, in tags);
    }

    public void Dispose()
    {
        _provider.Dispose();
        _meter.Dispose();
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
