using System.Collections.Immutable;
using Trellis.Config.Loading;

namespace Trellis.Config.Model.Mesh;

/// <summary>One of MeshConfig's extensionProviders. Trellis acts on the external authorization, tracing (Zipkin,
/// OpenTelemetry), Prometheus and file access-log providers; the other kinds are accepted as written.</summary>
public sealed record ExtensionProvider
{
    public string? Name { get; init; }
    public EnvoyExtAuthzHttpProvider? EnvoyExtAuthzHttp { get; init; }
    public EnvoyExtAuthzGrpcProvider? EnvoyExtAuthzGrpc { get; init; }
    public ZipkinTracingProvider? Zipkin { get; init; }
    public object? Lightstep { get; init; }
    public object? Datadog { get; init; }
    public object? Stackdriver { get; init; }
    public object? Opencensus { get; init; }
    public object? Skywalking { get; init; }
    public OpenTelemetryTracingProvider? Opentelemetry { get; init; }
    public PrometheusMetricsProvider? Prometheus { get; init; }
    public EnvoyFileAccessLogProvider? EnvoyFileAccessLog { get; init; }
    public object? EnvoyHttpAls { get; init; }
    public object? EnvoyTcpAls { get; init; }
    public object? EnvoyOtelAls { get; init; }
    public object? Sds { get; init; }

    /// <summary>How many provider kinds are set; Istio's provider is a oneof, so exactly one.</summary>
    public int KindsSet =>
        new[] { EnvoyExtAuthzHttp, EnvoyExtAuthzGrpc, Zipkin, Lightstep, Datadog, Stackdriver, Opencensus, Skywalking, Opentelemetry,
            Prometheus, EnvoyFileAccessLog, EnvoyHttpAls, EnvoyTcpAls, EnvoyOtelAls, Sds }.Count(k => k is not null);
}

/// <summary>Istio's EnvoyExternalAuthorizationHttpProvider: an HTTP authorization service the CUSTOM action asks.</summary>
public sealed record EnvoyExtAuthzHttpProvider
{
    public string? Service { get; init; }
    public int? Port { get; init; }
    public TimeSpan? Timeout { get; init; }
    public string? PathPrefix { get; init; }
    public bool? FailOpen { get; init; }
    public string? StatusOnError { get; init; }
    [Deprecated("use includeRequestHeadersInCheck")] public IReadOnlyList<string>? IncludeHeadersInCheck { get; init; }
    public IReadOnlyList<string>? IncludeRequestHeadersInCheck { get; init; }
    public ImmutableDictionary<string, string>? IncludeAdditionalHeadersInCheck { get; init; }
    public ExtAuthzRequestBody? IncludeRequestBodyInCheck { get; init; }
    public IReadOnlyList<string>? HeadersToUpstreamOnAllow { get; init; }
    public IReadOnlyList<string>? HeadersToDownstreamOnDeny { get; init; }
    public IReadOnlyList<string>? HeadersToDownstreamOnAllow { get; init; }
}

/// <summary>Istio's EnvoyExternalAuthorizationGrpcProvider. Accepted; the proxy speaks only the HTTP protocol,
/// so CUSTOM policies naming one deny the requests they match.</summary>
public sealed record EnvoyExtAuthzGrpcProvider
{
    public string? Service { get; init; }
    public int? Port { get; init; }
    public TimeSpan? Timeout { get; init; }
    public bool? FailOpen { get; init; }
    public string? StatusOnError { get; init; }
    public ExtAuthzRequestBody? IncludeRequestBodyInCheck { get; init; }
}

public sealed record ExtAuthzRequestBody
{
    public int? MaxRequestBytes { get; init; }
    public bool? AllowPartialMessage { get; init; }
    public bool? PackAsBytes { get; init; }
}

/// <summary>MeshConfig's pathNormalization: how far request paths are normalized before policy matching and routing.</summary>
public sealed record ProxyPathNormalization
{
    public const string None = "NONE";
    public const string Base = "BASE";
    public const string MergeSlashes = "MERGE_SLASHES";
    public const string DecodeAndMergeSlashes = "DECODE_AND_MERGE_SLASHES";

    [OneOf("DEFAULT", None, Base, MergeSlashes, DecodeAndMergeSlashes)] public string? Normalization { get; init; }
}

/// <summary>Istio's ZipkinTracingProvider: spans in Zipkin's JSON v2 to SERVICE:PORT (path /api/v2/spans).</summary>
public sealed record ZipkinTracingProvider
{
    public string? Service { get; init; }
    public int? Port { get; init; }
    public int? MaxTagLength { get; init; }
    public bool? Enable64bitTraceId { get; init; }
    public string? Path { get; init; }
}

/// <summary>Istio's OpenTelemetryTracingProvider: OTLP over gRPC, or over HTTP when <see cref="Http"/> is set.</summary>
public sealed record OpenTelemetryTracingProvider
{
    public string? Service { get; init; }
    public int? Port { get; init; }
    public int? MaxTagLength { get; init; }
    public OpenTelemetryHttpService? Http { get; init; }
    public OpenTelemetryGrpcService? Grpc { get; init; }
}

public sealed record OpenTelemetryHttpService
{
    public string? Path { get; init; }
    public TimeSpan? Timeout { get; init; }
    public IReadOnlyList<OpenTelemetryHeader>? Headers { get; init; }
}

public sealed record OpenTelemetryGrpcService
{
    public TimeSpan? Timeout { get; init; }
    public IReadOnlyList<OpenTelemetryHeader>? InitialMetadata { get; init; }
}

public sealed record OpenTelemetryHeader
{
    public string? Name { get; init; }
    public string? Value { get; init; }
}

/// <summary>Istio's PrometheusMetricsProvider: the standard metrics at the proxy's merged scrape endpoint.</summary>
public sealed record PrometheusMetricsProvider;

/// <summary>Istio's EnvoyFileAccessLogProvider: a file (or /dev/stdout) and its format, text or JSON labels.</summary>
public sealed record EnvoyFileAccessLogProvider
{
    public string? Path { get; init; }
    public AccessLogFormat? LogFormat { get; init; }
}

public sealed record AccessLogFormat
{
    public string? Text { get; init; }
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
}
