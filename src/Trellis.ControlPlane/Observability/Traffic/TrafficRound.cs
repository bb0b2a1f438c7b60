namespace Trellis.ControlPlane.Observability.Traffic;

/// <summary>What the mesh's proxies counted between two scrapes: per edge and per kind of failure.</summary>
internal sealed class TrafficRound(DateTimeOffset at, TimeSpan interval)
{
    public DateTimeOffset At { get; } = at;

    /// <summary>The time since the previous round, over which the counts accrued.</summary>
    public TimeSpan Interval { get; } = interval;

    public Dictionary<EdgeKey, EdgeCounts> Edges { get; } = [];

    public Dictionary<FailureKey, long> Failures { get; } = [];

    public EdgeCounts Edge(EdgeKey key)
    {
        if (!Edges.TryGetValue(key, out var counts)) Edges[key] = counts = new EdgeCounts();
        return counts;
    }
}
