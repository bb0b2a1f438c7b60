using System.Globalization;
using System.Text;

namespace Trellis.Proxy.Telemetry;

/// <summary>A Prometheus histogram with labels and fixed buckets; observations are lock-free. Series are created
/// on first use, up to the registry's series cap.</summary>
internal sealed class Histogram(string name, string help, string[] labelNames, double[] buckets, int maxSeries = MetricRegistry.DefaultMaxSeries) : ILabelledMetric
{
    /// <summary>One labelled series; callers may keep it and observe into it without looking it up again.</summary>
    public sealed class Series(double[] buckets, byte[] labels)
    {
        /// <summary>The series' labels, rendered for the text format.</summary>
        public byte[] Labels => labels;

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

    private readonly SeriesSet<Series> _series = new(maxSeries, labelNames, (names, values) => new Series(buckets, PrometheusText.LabelList(names, values)));
    private readonly byte[] _name = Encoding.UTF8.GetBytes(name);
    private readonly byte[][] _bounds = [.. buckets.Select(b => Encoding.UTF8.GetBytes($"le=\"{b.ToString(CultureInfo.InvariantCulture)}\""))];

    public string Name => name;

    public int SeriesCount => _series.Count;

    public long DroppedLabelSets => _series.DroppedLabelSets;

    /// <summary>The series of these label values, created on first use (the overflow series once the metric is full).</summary>
    public Series For(string[] labelValues) => _series.For(labelValues);

    public void Observe(string[] labelValues, double value) => For(labelValues).Observe(value);

    public long Count(string[] labelValues) => _series.TryGet(labelValues, out var series) ? series!.Count : 0;

    public async ValueTask WriteToAsync(PrometheusWriter output, CancellationToken ct)
    {
        output.Header(_name, help, "histogram");
        foreach (var (_, series) in _series.Labelled)
        {
            Lines(output, series);
            await output.FlushIfFullAsync(ct);
        }
        if (_series.Overflow is { } overflow) Lines(output, overflow);
    }

    private void Lines(PrometheusWriter output, Series series)
    {
        long cumulative = 0;
        for (var i = 0; i < buckets.Length; i++)
        {
            cumulative += series.BucketCount(i);
            output.Sample(_name, "_bucket"u8, series.Labels, _bounds[i], cumulative);
        }
        var count = series.Count;
        output.Sample(_name, "_bucket"u8, series.Labels, "le=\"+Inf\""u8, count);
        output.Sample(_name, "_sum"u8, series.Labels, default, series.Sum);
        output.Sample(_name, "_count"u8, series.Labels, default, count);
    }
}
