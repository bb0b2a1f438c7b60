using Trellis.ControlPlane.Observability.Traffic;

namespace Trellis.ControlPlane.Observability.Stats;

/// <summary>Computes the RED views (per service, per workload, over time) and the failure list from traffic windows.</summary>
internal static class RedStats
{
    public static MeshStatsDto Of(TrafficWindow window, DateTimeOffset at) => new(at, window.Span.TotalSeconds,
        Rows(window, "service", e => (e.Service.Namespace, e.Service.Name)),
        Rows(window, "workload", e => (e.Destination.Namespace, e.Destination.Workload)));

    /// <summary>One point per round for what the edges <paramref name="received"/> accepts carried: a service's traffic,
    /// or what one workload answered.</summary>
    public static IReadOnlyList<RedPointDto> History(IEnumerable<TrafficRound> rounds, Func<EdgeKey, bool> received) => rounds.Select(round =>
    {
        var sum = new EdgeCounts();
        foreach (var (key, counts) in round.Edges)
            if (received(key)) sum.Add(counts);
        var seconds = round.Interval.TotalSeconds;
        return new RedPointDto(round.At, sum.Requests, seconds > 0 ? sum.Requests / seconds : 0, Success(sum),
            sum.Durations.Quantile(0.5), sum.Durations.Quantile(0.95), sum.Durations.Quantile(0.99));
    }).ToList();

    /// <summary>The window's failures, only those sent by <paramref name="source"/> and to <paramref name="service"/>
    /// when given.</summary>
    public static IReadOnlyList<FailureDto> Failures(TrafficWindow window, ObjectName? source = null, ObjectName? service = null) => window.Failures
        .Where(f => source is not { } s || (f.Key.Source.Namespace == s.Namespace && f.Key.Source.Workload == s.Name))
        .Where(f => service is not { } v || (f.Key.Service.Namespace == v.Namespace && f.Key.Service.Name == v.Name))
        .Select(f => new FailureDto(f.Key.Reporter, f.Key.Source.Namespace, f.Key.Source.Workload, f.Key.Service.Namespace, f.Key.Service.Name,
            f.Key.Route, f.Key.Cluster, f.Key.ResponseCode, f.Key.ResponseFlags, f.Key.Reason, f.Value))
        .OrderByDescending(f => f.Count).ThenBy(f => f.Service, StringComparer.Ordinal).ToList();

    private static List<RedStatsDto> Rows(TrafficWindow window, string kind, Func<EdgeKey, (string Namespace, string Name)> by)
    {
        var groups = new Dictionary<(string Namespace, string Name), EdgeCounts>();
        foreach (var (key, counts) in window.Edges)
        {
            var group = by(key);
            if (group.Name is "" or "unknown") continue;
            if (!groups.TryGetValue(group, out var sum)) groups[group] = sum = new EdgeCounts();
            sum.Add(counts);
        }
        return groups.Where(g => g.Value.Requests > 0)
            .Select(g => new RedStatsDto(kind, g.Key.Namespace, g.Key.Name, g.Value.Requests, window.PerSecond(g.Value.Requests), Success(g.Value),
                g.Value.Durations.Quantile(0.5), g.Value.Durations.Quantile(0.95), g.Value.Durations.Quantile(0.99),
                g.Value.DestinationReported > 0 ? 100.0 * g.Value.MutualTls / g.Value.DestinationReported : null))
            .OrderBy(r => r.Namespace, StringComparer.Ordinal).ThenBy(r => r.Name, StringComparer.Ordinal).ToList();
    }

    private static double? Success(EdgeCounts counts) => counts.Requests > 0 ? 100.0 * (counts.Requests - counts.ServerErrors) / counts.Requests : null;
}
