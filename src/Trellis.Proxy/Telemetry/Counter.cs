using System.Collections.Concurrent;
using System.Text;

namespace Trellis.Proxy.Telemetry;

/// <summary>A Prometheus counter with labels; each series is a lock-free cell created on first use.</summary>
internal sealed class Counter(string name, string help, string[] labelNames) : IMetric
{
    private sealed class Cell
    {
        public long Value;
    }

    private readonly ConcurrentDictionary<LabelValues, Cell> _series = new();

    public void Increment(string[] labelValues, long by = 1)
    {
        var cell = _series.GetOrAdd(new LabelValues(labelValues), static _ => new Cell());
        Interlocked.Add(ref cell.Value, by);
    }

    public long Value(string[] labelValues) => _series.TryGetValue(new LabelValues(labelValues), out var cell) ? Interlocked.Read(ref cell.Value) : 0;

    public void WriteTo(StringBuilder output)
    {
        output.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        output.Append("# TYPE ").Append(name).Append(" counter\n");
        foreach (var (labels, cell) in _series)
        {
            output.Append(name);
            PrometheusText.AppendLabels(output, labelNames, labels.Values, null);
            output.Append(' ').Append(Interlocked.Read(ref cell.Value)).Append('\n');
        }
    }
}
