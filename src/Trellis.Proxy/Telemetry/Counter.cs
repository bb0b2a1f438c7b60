using System.Collections.Concurrent;
using System.Text;

namespace Trellis.Proxy.Telemetry;

/// <summary>A Prometheus counter with labels; each series is a lock-free cell created on first use.</summary>
internal sealed class Counter(string name, string help, string[] labelNames) : IMetric
{
    /// <summary>One labelled series; callers may keep it and increment it without looking it up again.</summary>
    public sealed class Series
    {
        private long _value;

        public long Value => Interlocked.Read(ref _value);

        public void Increment(long by = 1) => Interlocked.Add(ref _value, by);
    }

    private readonly ConcurrentDictionary<LabelValues, Series> _series = new();

    /// <summary>The series of these label values, created on first use.</summary>
    public Series For(string[] labelValues) => _series.GetOrAdd(new LabelValues(labelValues), static _ => new Series());

    public void Increment(string[] labelValues, long by = 1) => For(labelValues).Increment(by);

    public long Value(string[] labelValues) => _series.TryGetValue(new LabelValues(labelValues), out var series) ? series.Value : 0;

    public void WriteTo(StringBuilder output)
    {
        output.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        output.Append("# TYPE ").Append(name).Append(" counter\n");
        foreach (var (labels, series) in _series)
        {
            output.Append(name);
            PrometheusText.AppendLabels(output, labelNames, labels.Values, null);
            output.Append(' ').Append(series.Value).Append('\n');
        }
    }
}
