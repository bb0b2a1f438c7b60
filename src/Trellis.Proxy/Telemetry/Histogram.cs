using System.Globalization;
using System.Text;

namespace Trellis.Proxy.Telemetry;

/// <summary>A Prometheus histogram with labels and fixed buckets; observations are lock-free. Series are created
/// on first use, up to the registry's series cap.</summary>
internal sealed class Histogram(string name, string help, string[] labelNames, double[] buckets, int maxSeries = MetricRegistry.DefaultMaxSeries) : ILabelledMetric
{
    /// <summary>One labelled series; callers may keep it and observe into it without looking it up again.</summary>
    public sealed class Series(double[] buckets)
    {
        private readonly long[] _counts = new long[buckets.Length];
        private long _count;
        private long _sumBits;

        public long Count => Interlocked.Read(ref _count);

        public double Sum => BitConverter.Int64BitsToDouble(Interlocked.Read(ref _sumBits));

        public long BucketCount(int bucket) => Interlocked.Read(ref _counts[bucket]);

        public void Observe(double value)
        {
            for (var i = 0; i < buckets.Length; i++)
            {
                if (value <= buckets[i])
                {
                    Interlocked.Increment(ref _counts[i]);
                    break;
                }
            }
            Interlocked.Increment(ref _count);
            long seen, next;
            do
            {
                seen = Interlocked.Read(ref _sumBits);
                next = BitConverter.DoubleToInt64Bits(BitConverter.Int64BitsToDouble(seen) + value);
            }
            while (Interlocked.CompareExchange(ref _sumBits, next, seen) != seen);
        }
    }

    private readonly SeriesSet<Series> _series = new(maxSeries, () => new Series(buckets));

    public string Name => name;

    public int SeriesCount => _series.Count;

    public long DroppedLabelSets => _series.DroppedLabelSets;

    /// <summary>The series of these label values, created on first use (the overflow series once the metric is full).</summary>
    public Series For(string[] labelValues) => _series.For(labelValues);

    public void Observe(string[] labelValues, double value) => For(labelValues).Observe(value);

    public long Count(string[] labelValues) => _series.TryGet(labelValues, out var series) ? series!.Count : 0;

    public void WriteTo(StringBuilder output)
    {
        output.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        output.Append("# TYPE ").Append(name).Append(" histogram\n");
        foreach (var (labels, series) in _series.Labelled) Lines(output, labelNames, labels.Values, series);
        if (_series.Overflow is { } overflow) Lines(output, PrometheusText.OverflowLabelNames, PrometheusText.OverflowLabelValues, overflow);
    }

    private void Lines(StringBuilder output, string[] names, string[] values, Series series)
    {
        long cumulative = 0;
        for (var i = 0; i < buckets.Length; i++)
        {
            cumulative += series.BucketCount(i);
            output.Append(name).Append("_bucket");
            PrometheusText.AppendLabels(output, names, values, ("le", buckets[i].ToString(CultureInfo.InvariantCulture)));
            output.Append(' ').Append(cumulative).Append('\n');
        }
        var count = series.Count;
        output.Append(name).Append("_bucket");
        PrometheusText.AppendLabels(output, names, values, ("le", "+Inf"));
        output.Append(' ').Append(count).Append('\n');
        output.Append(name).Append("_sum");
        PrometheusText.AppendLabels(output, names, values, null);
        output.Append(' ').Append(series.Sum.ToString(CultureInfo.InvariantCulture)).Append('\n');
        output.Append(name).Append("_count");
        PrometheusText.AppendLabels(output, names, values, null);
        output.Append(' ').Append(count).Append('\n');
    }
}
