using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Trellis.Proxy.Telemetry;

/// <summary>A Prometheus histogram with labels and fixed buckets; observations are lock-free.</summary>
internal sealed class Histogram(string name, string help, string[] labelNames, double[] buckets) : IMetric
{
    private sealed class Cell(int buckets)
    {
        public readonly long[] Counts = new long[buckets];
        public long Count;
        public long SumBits;
    }

    private readonly ConcurrentDictionary<LabelValues, Cell> _series = new();

    public void Observe(string[] labelValues, double value)
    {
        var cell = _series.GetOrAdd(new LabelValues(labelValues), _ => new Cell(buckets.Length));
        for (var i = 0; i < buckets.Length; i++)
        {
            if (value <= buckets[i])
            {
                Interlocked.Increment(ref cell.Counts[i]);
                break;
            }
        }
        Interlocked.Increment(ref cell.Count);
        long seen, next;
        do
        {
            seen = Interlocked.Read(ref cell.SumBits);
            next = BitConverter.DoubleToInt64Bits(BitConverter.Int64BitsToDouble(seen) + value);
        }
        while (Interlocked.CompareExchange(ref cell.SumBits, next, seen) != seen);
    }

    public long Count(string[] labelValues) => _series.TryGetValue(new LabelValues(labelValues), out var cell) ? Interlocked.Read(ref cell.Count) : 0;

    public void WriteTo(StringBuilder output)
    {
        output.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        output.Append("# TYPE ").Append(name).Append(" histogram\n");
        foreach (var (labels, cell) in _series)
        {
            long cumulative = 0;
            for (var i = 0; i < buckets.Length; i++)
            {
                cumulative += Interlocked.Read(ref cell.Counts[i]);
                output.Append(name).Append("_bucket");
                PrometheusText.AppendLabels(output, labelNames, labels.Values, ("le", buckets[i].ToString(CultureInfo.InvariantCulture)));
                output.Append(' ').Append(cumulative).Append('\n');
            }
            var count = Interlocked.Read(ref cell.Count);
            output.Append(name).Append("_bucket");
            PrometheusText.AppendLabels(output, labelNames, labels.Values, ("le", "+Inf"));
            output.Append(' ').Append(count).Append('\n');
            output.Append(name).Append("_sum");
            PrometheusText.AppendLabels(output, labelNames, labels.Values, null);
            output.Append(' ').Append(BitConverter.Int64BitsToDouble(Interlocked.Read(ref cell.SumBits)).ToString(CultureInfo.InvariantCulture)).Append('\n');
            output.Append(name).Append("_count");
            PrometheusText.AppendLabels(output, labelNames, labels.Values, null);
            output.Append(' ').Append(count).Append('\n');
        }
    }
}
