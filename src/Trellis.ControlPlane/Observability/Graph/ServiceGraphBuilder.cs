using Trellis.ControlPlane.Observability.Traffic;

namespace Trellis.ControlPlane.Observability.Graph;

/// <summary>Builds the service graph from a traffic window and the proxies that are connected, so idle workloads show
/// too. Each request appears twice: caller → service, and service → the workload that answered it.</summary>
internal static class ServiceGraphBuilder
{
    public static ServiceGraphDto Build(TrafficWindow window, IEnumerable<WorkloadName> connected, DateTimeOffset at)
    {
        var nodes = new Dictionary<string, GraphNodeDto>(StringComparer.Ordinal);
        foreach (var workload in connected) nodes.TryAdd(WorkloadId(workload), WorkloadNode(workload, 0, null));

        var callerEdges = Group(window, e => (WorkloadId(e.Source), ServiceId(e.Service)));
        var backendEdges = Group(window, e => (ServiceId(e.Service), WorkloadId(e.Destination)));
        var received = Group(window, e => (WorkloadId(e.Destination), ""));
        var serviceTotals = Group(window, e => (ServiceId(e.Service), ""));

        foreach (var (key, _) in window.Edges.Where(e => e.Value.Requests > 0))
        {
            var source = key.Source;
            if (!nodes.ContainsKey(WorkloadId(source))) nodes[WorkloadId(source)] = WorkloadNode(source, 0, null);
            var service = serviceTotals[(ServiceId(key.Service), "")];
            nodes[ServiceId(key.Service)] = new GraphNodeDto(ServiceId(key.Service), "service", key.Service.Namespace, key.Service.Name, null, null,
                window.PerSecond(service.Requests), ErrorPercent(service));
            if (!key.Destination.IsUnknown)
            {
                var answered = received[(WorkloadId(key.Destination), "")];
                nodes[WorkloadId(key.Destination)] = WorkloadNode(key.Destination, window.PerSecond(answered.Requests), ErrorPercent(answered));
            }
        }

        var edges = new List<GraphEdgeDto>();
        foreach (var ((from, to), counts) in callerEdges)
            if (counts.Requests > 0) edges.Add(Edge(window, from, to, counts, null));
        foreach (var ((from, to), counts) in backendEdges)
        {
            if (counts.Requests == 0 || to == WorkloadId(WorkloadName.Unknown)) continue;
            var total = serviceTotals[(from, "")].Requests;
            edges.Add(Edge(window, from, to, counts, total > 0 ? 100.0 * counts.Requests / total : null));
        }
        return new ServiceGraphDto(at, window.Span.TotalSeconds,
            nodes.Values.OrderBy(n => n.Kind, StringComparer.Ordinal).ThenBy(n => n.Id, StringComparer.Ordinal).ToList(),
            edges.OrderBy(e => e.Source, StringComparer.Ordinal).ThenBy(e => e.Target, StringComparer.Ordinal).ToList());
    }

    public static string WorkloadId(WorkloadName workload) => workload.IsUnknown ? "unknown" : "workload:" + workload.Id;

    public static string ServiceId(ServiceName service) => "service:" + service.Id;

    /// <summary>A padlock only when every request the destination reported on arrived over mutual TLS.</summary>
    private static GraphEdgeDto Edge(TrafficWindow window, string from, string to, EdgeCounts counts, double? share) =>
        new(from, to, counts.Requests, window.PerSecond(counts.Requests), ErrorPercent(counts) ?? 0, counts.Durations.Quantile(0.95),
            counts.DestinationReported > 0 && counts.MutualTls == counts.DestinationReported, share);

    private static GraphNodeDto WorkloadNode(WorkloadName workload, double perSecond, double? errors) => workload.IsUnknown
        ? new GraphNodeDto("unknown", "unknown", "", "unknown", null, null, perSecond, errors)
        : new GraphNodeDto(WorkloadId(workload), "workload", workload.Namespace, workload.Workload, NullIfUnknown(workload.App),
            NullIfUnknown(workload.Version), perSecond, errors);

    private static string? NullIfUnknown(string value) => value is "" or "unknown" ? null : value;

    internal static double? ErrorPercent(EdgeCounts counts) => counts.Requests > 0 ? 100.0 * counts.ServerErrors / counts.Requests : null;

    private static Dictionary<(string, string), EdgeCounts> Group(TrafficWindow window, Func<EdgeKey, (string, string)> by)
    {
        var groups = new Dictionary<(string, string), EdgeCounts>();
        foreach (var (key, counts) in window.Edges)
        {
            if (counts.Requests == 0 && counts.DestinationReported == 0) continue;
            var group = by(key);
            if (!groups.TryGetValue(group, out var sum)) groups[group] = sum = new EdgeCounts();
            sum.Add(counts);
        }
        return groups;
    }
}
