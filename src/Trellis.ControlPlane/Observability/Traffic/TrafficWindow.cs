namespace Trellis.ControlPlane.Observability.Traffic;

/// <summary>The rounds of a recent stretch of time added together: what each edge carried and how requests failed.</summary>
internal sealed class TrafficWindow
{
    public Dictionary<EdgeKey, EdgeCounts> Edges { get; } = [];

    public Dictionary<FailureKey, long> Failures { get; } = [];

    /// <summary>The time the rounds cover; rates divide by it.</summary>
    public TimeSpan Span { get; private set; }

    public static TrafficWindow Of(IEnumerable<TrafficRound> rounds)
    {
        var window = new TrafficWindow();
        foreach (var round in rounds)
        {
            window.Span += round.Interval;
            foreach (var (key, counts) in round.Edges)
            {
                if (!window.Edges.TryGetValue(key, out var sum)) window.Edges[key] = sum = new EdgeCounts();
                sum.Add(counts);
            }
            foreach (var (key, count) in round.Failures) window.Failures[key] = window.Failures.GetValueOrDefault(key) + count;
        }
        return window;
    }

    public double PerSecond(long count) => Span > TimeSpan.Zero ? count / Span.TotalSeconds : 0;
}
