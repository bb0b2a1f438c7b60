namespace Trellis.ControlPlane.Observability.Stats;

/// <summary>Rate, errors and duration of what one service or workload received over a window, as `linkerd viz stat`
/// shows them: success is every answer below 500.</summary>
public sealed record RedStatsDto(string Kind, string Namespace, string Name, long Requests, double RequestsPerSecond,
    double? SuccessPercent, double? P50Milliseconds, double? P95Milliseconds, double? P99Milliseconds, double? MutualTlsPercent);

/// <summary>Every service's and workload's RED figures over the window ending at <see cref="At"/>.</summary>
public sealed record MeshStatsDto(DateTimeOffset At, double WindowSeconds, IReadOnlyList<RedStatsDto> Services, IReadOnlyList<RedStatsDto> Workloads);

/// <summary>One point of a service's or workload's RED history: what it received in the scrape round ending at
/// <see cref="At"/>.</summary>
public sealed record RedPointDto(DateTimeOffset At, long Requests, double RequestsPerSecond, double? SuccessPercent,
    double? P50Milliseconds, double? P95Milliseconds, double? P99Milliseconds);

/// <summary>One kind of failure on an edge, counted over the window: the route and cluster that handled it, Envoy's
/// response flags, and the reason the proxy gave.</summary>
public sealed record FailureDto(string Reporter, string SourceNamespace, string SourceWorkload, string ServiceNamespace, string Service,
    string Route, string Cluster, string ResponseCode, string ResponseFlags, string Reason, long Count);
