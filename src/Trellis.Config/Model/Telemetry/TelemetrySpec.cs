using Trellis.Config.Loading;
using Trellis.Config.Model.Networking;
using Trellis.Config.Model.Security;

namespace Trellis.Config.Model.Telemetry;

/// <summary>Istio Telemetry: which metrics, traces and access logs a workload's proxy produces, and where they go;
/// mesh-wide in the root namespace, namespace-wide without a selector, else per workload (the narrower scope wins).</summary>
public sealed record TelemetrySpec
{
    public WorkloadSelector? Selector { get; init; }
    public PolicyTargetReference? TargetRef { get; init; }
    public IReadOnlyList<PolicyTargetReference>? TargetRefs { get; init; }
    public IReadOnlyList<TelemetryTracing>? Tracing { get; init; }
    public IReadOnlyList<TelemetryMetrics>? Metrics { get; init; }
    public IReadOnlyList<TelemetryAccessLogging>? AccessLogging { get; init; }
}

/// <summary>A provider declared in the mesh config's extensionProviders, by name.</summary>
public sealed record TelemetryProviderRef
{
    public string? Name { get; init; }
}

/// <summary>Which side of a request a telemetry rule applies to: the client's proxy, the server's, or both.</summary>
public sealed record TelemetryModeSelector
{
    public const string ClientAndServer = "CLIENT_AND_SERVER";
    public const string Client = "CLIENT";
    public const string Server = "SERVER";

    [OneOf(ClientAndServer, Client, Server)] public string? Mode { get; init; }
}

/// <summary>Istio Telemetry's tracing rule.</summary>
[StrictFields("a tracing rule has match, providers, randomSamplingPercentage, disableSpanReporting, useRequestIdForTraceSampling and customTags")]
public sealed record TelemetryTracing
{
    public TelemetryModeSelector? Match { get; init; }
    public IReadOnlyList<TelemetryProviderRef>? Providers { get; init; }
    public double? RandomSamplingPercentage { get; init; }
    public bool? DisableSpanReporting { get; init; }
    public bool? UseRequestIdForTraceSampling { get; init; }
    public bool? EnableIstioTags { get; init; }
    public IReadOnlyDictionary<string, TracingCustomTag>? CustomTags { get; init; }
}

/// <summary>A span tag whose value is a literal, an environment variable of the proxy, or a request header.</summary>
public sealed record TracingCustomTag
{
    public LiteralTagValue? Literal { get; init; }
    public EnvironmentTagValue? Environment { get; init; }
    public HeaderTagValue? Header { get; init; }
}

public sealed record LiteralTagValue
{
    public string? Value { get; init; }
}

public sealed record EnvironmentTagValue
{
    public string? Name { get; init; }
    public string? DefaultValue { get; init; }
}

public sealed record HeaderTagValue
{
    public string? Name { get; init; }
    public string? DefaultValue { get; init; }
}

/// <summary>Istio Telemetry's metrics rule.</summary>
[StrictFields("metric labels are added, changed or removed with overrides[].tagOverrides (UPSERT with an expression such as request.path, or REMOVE)")]
public sealed record TelemetryMetrics
{
    public IReadOnlyList<TelemetryProviderRef>? Providers { get; init; }
    public IReadOnlyList<MetricsOverride>? Overrides { get; init; }
    public TimeSpan? ReportingInterval { get; init; }
}

/// <summary>Changes to the standard metrics selected by <see cref="Match"/>: turn them off, or add, change or remove labels.</summary>
public sealed record MetricsOverride
{
    public MetricSelector? Match { get; init; }
    public bool? Disabled { get; init; }
    public IReadOnlyDictionary<string, MetricTagOverride>? TagOverrides { get; init; }
}

/// <summary>Which standard metric (Istio's enum names) or custom metric name, on which side.</summary>
public sealed record MetricSelector
{
    public const string AllMetrics = "ALL_METRICS";

    [OneOf(AllMetrics, "REQUEST_COUNT", "REQUEST_DURATION", "REQUEST_SIZE", "RESPONSE_SIZE", "TCP_OPENED_CONNECTIONS",
        "TCP_CLOSED_CONNECTIONS", "TCP_SENT_BYTES", "TCP_RECEIVED_BYTES", "GRPC_REQUEST_MESSAGES", "GRPC_RESPONSE_MESSAGES")]
    public string? Metric { get; init; }

    public string? CustomMetric { get; init; }

    [OneOf(TelemetryModeSelector.ClientAndServer, TelemetryModeSelector.Client, TelemetryModeSelector.Server)]
    public string? Mode { get; init; }
}

/// <summary>A label to add or change (UPSERT, with an expression over request attributes) or drop (REMOVE).</summary>
public sealed record MetricTagOverride
{
    [OneOf("UPSERT", "REMOVE")] public string? Operation { get; init; }
    public string? Value { get; init; }
}

/// <summary>Istio Telemetry's access logging rule.</summary>
[StrictFields("an access logging rule has match, providers, disabled and filter.expression")]
public sealed record TelemetryAccessLogging
{
    public TelemetryModeSelector? Match { get; init; }
    public IReadOnlyList<TelemetryProviderRef>? Providers { get; init; }
    public bool? Disabled { get; init; }
    public AccessLogFilter? Filter { get; init; }
}

/// <summary>Which requests are logged: a CEL expression over request, response and connection attributes.</summary>
public sealed record AccessLogFilter
{
    public string? Expression { get; init; }
}
