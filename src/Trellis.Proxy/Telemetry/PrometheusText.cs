using System.Text;

namespace Trellis.Proxy.Telemetry;

/// <summary>A metric that can render itself in the Prometheus text exposition format.</summary>
internal interface IMetric
{
    void WriteTo(StringBuilder output);
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

    /// <summary>Writes {name="value",...}, leaving out <see cref="Absent"/> labels; values beyond <paramref name="names"/>
    /// are name and value pairs (labels a Telemetry added).</summary>
    public static void AppendLabels(StringBuilder output, string[] names, string[] values, (string Name, string Value)? extra)
    {
        output.Append('{');
        var first = true;
        for (var i = 0; i < names.Length; i++) Label(output, names[i], values[i], ref first);
        for (var i = names.Length; i + 1 < values.Length; i += 2) Label(output, values[i], values[i + 1], ref first);
        if (extra is { } e) Label(output, e.Name, e.Value, ref first);
        output.Append('}');
    }

    private static void Label(StringBuilder output, string name, string value, ref bool first)
    {
        if (string.Equals(value, Absent, StringComparison.Ordinal)) return;
        if (!first) output.Append(',');
        first = false;
        Append(output, name, value);
    }

    private static void Append(StringBuilder output, string name, string value)
    {
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

    private readonly List<IMetric> _metrics = [];

    public T Add<T>(T metric) where T : IMetric
    {
        lock (_metrics) _metrics.Add(metric);
        return metric;
    }

    public string Render()
    {
        var output = new StringBuilder(4096);
        lock (_metrics)
        {
            foreach (var m in _metrics) m.WriteTo(output);
            WriteDroppedLabelSets(output);
        }
        return output.ToString();
    }

    private void WriteDroppedLabelSets(StringBuilder output)
    {
        output.Append("# HELP ").Append(DroppedLabelSetsName)
            .Append(" Observations whose label set got no series of its own because the metric had reached its series cap; they count in its overflow series.\n");
        output.Append("# TYPE ").Append(DroppedLabelSetsName).Append(" counter\n");
        foreach (var metric in _metrics.OfType<ILabelledMetric>())
        {
            output.Append(DroppedLabelSetsName);
            PrometheusText.AppendLabels(output, ["metric"], [metric.Name], null);
            output.Append(' ').Append(metric.DroppedLabelSets).Append('\n');
        }
    }
}
