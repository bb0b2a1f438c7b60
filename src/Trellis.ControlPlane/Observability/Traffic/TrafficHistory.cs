namespace Trellis.ControlPlane.Observability.Traffic;

/// <summary>The rounds of the last <paramref name="retention"/>, oldest first; older ones are dropped as new ones
/// arrive, so memory is bounded by the retention over the scrape interval. Thread-safe.</summary>
internal sealed class TrafficHistory(TimeSpan retention)
{
    private readonly Lock _gate = new();
    private readonly Queue<TrafficRound> _rounds = new();

    public static readonly TimeSpan DefaultRetention = TimeSpan.FromMinutes(15);

    public TimeSpan Retention => retention;

    public void Add(TrafficRound round)
    {
        lock (_gate)
        {
            _rounds.Enqueue(round);
            while (_rounds.Count > 0 && _rounds.Peek().At < round.At - retention) _rounds.Dequeue();
        }
    }

    /// <summary>The rounds that ended within <paramref name="span"/> before <paramref name="now"/>.</summary>
    public IReadOnlyList<TrafficRound> Since(TimeSpan span, DateTimeOffset now)
    {
        lock (_gate) return _rounds.Where(r => r.At > now - span).ToList();
    }

    public TrafficWindow Window(TimeSpan span, DateTimeOffset now) => TrafficWindow.Of(Since(span, now));
}
