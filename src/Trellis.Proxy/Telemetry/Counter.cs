namespace Trellis.Proxy.Telemetry;

/// <summary>A Prometheus counter with labels; each series is a lock-free cell created on first use, up to the
/// registry's series cap.</summary>
internal sealed class Counter(string name, string help, string[] labelNames, int maxSeries = MetricRegistry.DefaultMaxSeries) : ILabelledMetric
{
    /// <summary>One labelled series; callers may keep it and increment it without looking it up again.</summary>
    public sealed class Series(byte[] labels)
    {
        private long _value;

        /// <summary>The series' labels, rendered for the text format.</summary>
        public byte[] Labels => labels;

        public long Value => Interlocked.Read(ref _value);

        public void Increment(long by = 1) => Interlocked.Add(ref _value, by);
    }

    private readonly SeriesSet<Series> _series = new(maxSeries, labelNames, static (names, values) => new Series(PrometheusText.LabelList(names, values)));
    private readonly byte[] _name = System.Text.Encoding.UTF8.GetBytes(name);

    public string Name => name;

    public int SeriesCount => _series.Count;

    public long DroppedLabelSets => _series.DroppedLabelSets;

    /// <summary>The series of these label values, created on first use (the overflow series once the metric is full).</summary>
    public Series For(string[] labelValues) => _series.For(labelValues);

    public void Increment(string[] labelValues, long by = 1) => For(labelValues).Increment(by);

    public long Value(string[] labelValues) => _series.TryGet(labelValues, out var series) ? series!.Value : 0;

    /// <summary>What the label sets beyond the cap added up to.</summary>
    public long OverflowValue => _series.Overflow?.Value ?? 0;

    public async ValueTask WriteToAsync(PrometheusWriter output, CancellationToken ct)
    {
        output.Header(_name, help, "counter");
        foreach (var (_, series) in _series.Labelled)
        {
            output.Sample(_name, default, series.Labels, default, series.Value);
            await output.FlushIfFullAsync(ct);
        }
        if (_series.Overflow is { } overflow) output.Sample(_name, default, overflow.Labels, default, overflow.Value);
    }
}
