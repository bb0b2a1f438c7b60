using System.Collections.Concurrent;

namespace Trellis.Proxy.Telemetry;

/// <summary>The labelled series of one metric, at most <see cref="MaxSeries"/> of them. Label values can
/// come from peers (their metadata, their status codes), so past the cap a new label set gets no series
/// of its own: it counts in the overflow series and in <see cref="DroppedLabelSets"/>, and memory and
/// scrape size stay bounded whatever the traffic.</summary>
/// <param name="create">Makes the series of a label set, given its label names and values.</param>
internal sealed class SeriesSet<T>(int maxSeries, string[] labelNames, Func<string[], string[], T> create) where T : class
{
    private readonly ConcurrentDictionary<LabelValues, T> _series = new();
    private T? _overflow;
    private int _count;
    private long _dropped;

    public int MaxSeries { get; } = maxSeries;

    /// <summary>Observations whose label set found the metric full.</summary>
    public long DroppedLabelSets => Interlocked.Read(ref _dropped);

    /// <summary>The series label sets beyond the cap count in; null while none has.</summary>
    public T? Overflow => Volatile.Read(ref _overflow);

    /// <summary>The labelled series; enumerating takes no lock and copies nothing, so a scrape never holds up requests.</summary>
    public IEnumerable<KeyValuePair<LabelValues, T>> Labelled => _series;

    public int Count => Volatile.Read(ref _count);

    /// <summary>The series of these label values: created on first use while there is room, else the overflow series.</summary>
    public T For(string[] labelValues)
    {
        var key = new LabelValues(labelValues);
        if (_series.TryGetValue(key, out var series)) return series;
        if (Interlocked.Increment(ref _count) > MaxSeries)
        {
            Interlocked.Decrement(ref _count);
            Interlocked.Increment(ref _dropped);
            return LazyInitializer.EnsureInitialized(ref _overflow, () => create(PrometheusText.OverflowLabelNames, PrometheusText.OverflowLabelValues));
        }
        var created = create(labelNames, labelValues);
        if (_series.TryAdd(key, created)) return created;
        // Another thread created it first; the slot taken for it goes back.
        Interlocked.Decrement(ref _count);
        return _series[key];
    }

    public bool TryGet(string[] labelValues, out T? series) => _series.TryGetValue(new LabelValues(labelValues), out series);
}
