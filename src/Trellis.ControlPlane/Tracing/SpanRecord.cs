namespace Trellis.ControlPlane.Tracing;

/// <summary>One finished span as a proxy reported it: ids in lowercase hex, the reporting workload's service name,
/// Istio's span name, the OpenTelemetry kind (CLIENT, SERVER, ...) and its tags.</summary>
public sealed record SpanRecord(
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Name,
    string Service,
    string Kind,
    DateTimeOffset Start,
    TimeSpan Duration,
    bool Error,
    IReadOnlyDictionary<string, string> Tags);

/// <summary>A trace in a search result: where it began, how long it took, and whether any span failed.</summary>
public sealed record TraceSummary(string TraceId, string RootService, string RootName, DateTimeOffset Start, TimeSpan Duration,
    int SpanCount, bool Error, IReadOnlyList<string> Services);
