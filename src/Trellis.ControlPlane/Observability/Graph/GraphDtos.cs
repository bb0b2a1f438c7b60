namespace Trellis.ControlPlane.Observability.Graph;

/// <summary>The service graph over a recent window: workloads and services as nodes, traffic as edges.</summary>
public sealed record ServiceGraphDto(DateTimeOffset At, double WindowSeconds, IReadOnlyList<GraphNodeDto> Nodes, IReadOnlyList<GraphEdgeDto> Edges);

/// <summary>A workload (kind "workload", with app and version), a service (kind "service"), or callers outside the
/// mesh (kind "unknown"); its rates are what it received.</summary>
public sealed record GraphNodeDto(string Id, string Kind, string Namespace, string Name, string? App, string? Version,
    double RequestsPerSecond, double? ErrorPercent);

/// <summary>Traffic from a caller to a service, or from a service to a workload behind it (with the workload's share of
/// the service's requests: the observed traffic split). Errors are 5xx answers and requests never answered.</summary>
public sealed record GraphEdgeDto(string Source, string Target, long Requests, double RequestsPerSecond, double ErrorPercent,
    double? P95Milliseconds, bool MutualTls, double? SharePercent);
