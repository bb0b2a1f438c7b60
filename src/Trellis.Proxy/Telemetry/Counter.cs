using System.Text;

namespace Trellis.Proxy.Telemetry;

/// <summary>A Prometheus counter with labels; each series is a lock-free cell created on first use, up to the
/// registry's series cap.</summary>
internal sealed class Counter(string name, string help, string[] labelNames, int maxSeries = MetricRegistry.DefaultMaxSeries) : ILabelledMetric
{
    /// <summary>One labelled series; callers may keep it and increment it without looking it up again.</summary>
    public sealed class Series
    {
        private long _value;

        public long Value => Interlocked.Read(ref _value);

        public void Increment(long by = 1) => Interlocked.Add(ref _value, by);
    }

    private readonly SeriesSet<Series> _series = new(maxSeries, static () => new Series());

    public string Name => name;

    public int SeriesCount => _series.Count;

    public long DroppedLabelSets => _series.DroppedLabelSets;

    /// <summary>The series of these label values, created on first use (the overflow series once the metric is full).</summary>
    public Series For(string[] labelValues) => _series.For(labelValues);

    public void Increment(string[] labelValues, long by = 1) => For(labelValues).Increment(by);

    public long Value(string[] labelValues) => _series.TryGet(labelValues, out var series) ? series!.Value : 0;

    /// <summary>What the label sets beyond the cap added up to.</summary>
    public long OverflowValue => _series.Overflow?.Value ?? 0;

    public void WriteTo(StringBuilder output)
    {
        output.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        output.Append("# TYPE ").Append(name).Append(" counter\n");
        foreach (var (labels, series) in _series.Labelled) Line(output, labelNames, labels.Values, series);
        if (_series.Overflow is { } overflow) Line(output, PrometheusText.OverflowLabelNames, PrometheusText.OverflowLabelValues, overflow);
    }

    private void Line(StringBuilder output, string[] names, string[] values, Series series)
    {
        output.Append(name);
        PrometheusText.AppendLabels(output, names, values, null);
        output.Append(' ').Append(series.Value).Append('\n');
    }
}
