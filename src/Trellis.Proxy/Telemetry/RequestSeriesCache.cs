using System.Collections.Concurrent;
using Trellis.Proxy.Configuration;

namespace Trellis.Proxy.Telemetry;

/// <summary>Remembers which series a <see cref="RequestSeriesKey"/> resolved to, so a request's metrics cost one
/// small-key lookup instead of building 25 label strings and hashing them twice. The cache belongs to one
/// configuration snapshot (its keys hold that snapshot's clusters and endpoints, which must not outlive it)
/// and is bounded, since peer metadata is client input.</summary>
internal sealed class RequestSeriesCache
{
    private const int MaxEntries = 4096;

    private sealed record Generation(ProxySnapshot Snapshot, ConcurrentDictionary<RequestSeriesKey, RequestSeries> Series);

    private volatile Generation _current = new(ProxySnapshot.Empty, new());

    public RequestSeries Get<TState>(ProxySnapshot snapshot, in RequestSeriesKey key, Func<TState, RequestSeries> resolve, TState state)
    {
        var generation = _current;
        if (!ReferenceEquals(generation.Snapshot, snapshot))
        {
            // A request that began on another snapshot starts that snapshot's cache; while both serve requests
            // (during a drain) they take turns, which costs lookups, never correctness.
            generation = new Generation(snapshot, new());
            _current = generation;
        }
        if (generation.Series.TryGetValue(key, out var series)) return series;
        series = resolve(state);
        if (generation.Series.Count >= MaxEntries) generation.Series.Clear();
        generation.Series.TryAdd(key, series);
        return series;
    }
}
