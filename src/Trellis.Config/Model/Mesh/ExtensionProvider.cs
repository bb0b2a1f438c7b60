using System.Collections.Immutable;
using Trellis.Config.Loading;

namespace Trellis.Config.Model.Mesh;

/// <summary>One of MeshConfig's extensionProviders. Trellis acts on the external authorization providers;
/// the telemetry and access-log kinds are accepted as written.</summary>
public sealed record ExtensionProvider
{
    public string? Name { get; init; }
    public EnvoyExtAuthzHttpProvider? EnvoyExtAuthzHttp { get; init; }
    public EnvoyExtAuthzGrpcProvider? EnvoyExtAuthzGrpc { get; init; }
    public object? Zipkin { get; init; }
    public object? Lightstep { get; init; }
    public object? Datadog { get; init; }
    public object? Stackdriver { get; init; }
    public object? Opencensus { get; init; }
    public object? Skywalking { get; init; }
    public object? Opentelemetry { get; init; }
    public object? Prometheus { get; init; }
    public object? EnvoyFileAccessLog { get; init; }
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
