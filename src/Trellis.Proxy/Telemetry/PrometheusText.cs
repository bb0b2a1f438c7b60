using System.Buffers;
using System.Text;

namespace Trellis.Proxy.Telemetry;

/// <summary>A metric that can render itself in the Prometheus text exposition format.</summary>
internal interface IMetric
{
    ValueTask WriteToAsync(PrometheusWriter output, CancellationToken ct);
}

/// <summary>A metric whose series are keyed by label values and capped in number.</summary>
internal interface ILabelledMetric : IMetric
{
    string Name { get; }

    int SeriesCount { get; }

    long DroppedLabelSets { get; }
}

/// <summary>The Prometheus text format's label syntax and escaping.</summary>
internal static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>The overflow series' only label, named as OpenTelemetry's cardinality limit names it
    /// (otel.metric.overflow), so sums over a metric still add up to every observation.</summary>
    public static readonly string[] OverflowLabelNames = ["otel_metric_overflow"];

    public static readonly string[] OverflowLabelValues = ["true"];

    /// <summary>The value of a label a Telemetry removed: the label is left out of the series.</summary>
    public const string Absent = "\0absent";

    /// <summary>A series' labels as the text format lists them between the braces (name="value",...), leaving out
    /// <see cref="Absent"/> labels; values beyond <paramref name="names"/> are name and value pairs (labels a Telemetry
    /// added). Rendered once per series: its labels never change, and a scrape then only copies them.</summary>
    public static byte[] LabelList(string[] names, string[] values)
    {
        var output = new StringBuilder();
        var first = true;
        for (var i = 0; i < names.Length; i++) Label(output, names[i], values[i], ref first);
        for (var i = names.Length; i + 1 < values.Length; i += 2) Label(output, values[i], values[i + 1], ref first);
        return Encoding.UTF8.GetBytes(output.ToString());
    }

    private static void Label(StringBuilder output, string name, string value, ref bool first)
    {
        if (string.Equals(value, Absent, StringComparison.Ordinal)) return;
        if (!first) output.Append(',');
        first = false;
        output.Append(name).Append("=\"");
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': output.Append(@"\\"); break;
                case '"': output.Append("\\\""); break;
                case '\n': output.Append(@"\n"); break;
                default: output.Append(c); break;
            }
        }
        output.Append('"');
    }
}

/// <summary>All metrics the proxy exports, and how many label sets each had to turn away.</summary>
internal sealed class MetricRegistry
{
    /// <summary>Series per metric a proxy keeps at most; further label sets count in the metric's overflow series.
    /// A sidecar sees a handful of peers, services, codes and flags, so this leaves room for a large mesh, while
    /// the worst case (every request metric full) stays a scrape of tens of megabytes, not gigabytes.</summary>
    public const int DefaultMaxSeries = 1000;

    public const string DroppedLabelSetsName = "trellis_metric_label_sets_dropped_total";

    private const string DroppedLabelSetsHelp =
        "Observations whose label set got no series of its own because the metric had reached its series cap; they count in its overflow series.";

    private static readonly byte[] DroppedLabelSetsNameBytes = Encoding.UTF8.GetBytes(DroppedLabelSetsName);

    /// <summary>Each metric, with the labels of its line in the dropped-label-sets counter when it has a series cap.</summary>
    private readonly List<(IMetric Metric, byte[]? DroppedLabels)> _metrics = [];

    public T Add<T>(T metric) where T : IMetric
    {
        var dropped = metric is ILabelledMetric labelled ? PrometheusText.LabelList(["metric"], [labelled.Name]) : null;
        lock (_metrics) _metrics.Add((metric, dropped));
        return metric;
    }

    /// <summary>Writes every metric, then how many label sets each turned away.</summary>
    public async ValueTask WriteToAsync(PrometheusWriter output, CancellationToken ct)
    {
        (IMetric Metric, byte[]? DroppedLabels)[] metrics;
        lock (_metrics) metrics = [.. _metrics];
        foreach (var (metric, _) in metrics) await metric.WriteToAsync(output, ct);
        output.Header(DroppedLabelSetsNameBytes, DroppedLabelSetsHelp, "counter");
        foreach (var (metric, labels) in metrics)
            if (metric is ILabelledMetric labelled) output.Sample(DroppedLabelSetsNameBytes, default, labels!, default, labelled.DroppedLabelSets);
    }

    /// <summary>The whole exposition as one string, for tests and benchmarks; the admin server streams it instead.</summary>
    public string Render()
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        var pending = WriteToAsync(new PrometheusWriter(buffer), CancellationToken.None);
        // Over a buffer that never waits for a reader, every step completes synchronously.
        if (!pending.IsCompletedSuccessfully) throw new InvalidOperationException("rendering into a buffer did not complete synchronously");
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
