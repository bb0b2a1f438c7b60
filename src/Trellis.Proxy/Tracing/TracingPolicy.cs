using System.Globalization;
using Envoy.Config.Trace.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Envoy.Extensions.RequestId.Uuid.V3;
using Trellis.Proxy.Configuration;
using Hcm = Envoy.Extensions.Filters.Network.HttpConnectionManager.V3.HttpConnectionManager;

namespace Trellis.Proxy.Tracing;

/// <summary>Where a connection manager's spans go: OTLP over HTTP or gRPC, or Zipkin's JSON v2, to a cluster of the
/// proxy's configuration (its first endpoint) or, without such a cluster, the URI's own host and port. Without a
/// service name (Zipkin's config has none) spans carry the proxy's own, as Envoy's carry its service cluster.</summary>
internal sealed record TraceExportTarget(TraceExportProtocol Protocol, string? ServiceName, string? Cluster, Uri Uri);

internal enum TraceExportProtocol
{
    OtlpHttp,
    OtlpGrpc,
    Zipkin,
}

/// <summary>A span tag from the configuration: a literal, the proxy's environment (read once, at compile), or a request header.</summary>
internal sealed record CustomSpanTag(string Name, string? Value, string? Header, string? HeaderDefault);

/// <summary>An HCM's compiled <c>tracing</c>: the random sampling rate (in ten-thousandths, as Envoy rounds it) for requests
/// that arrive without a decision, whether that decision comes from the request id, the URL tag's length limit, custom
/// tags and where spans are exported.</summary>
internal sealed record TracingPolicy(uint SamplingPerTenThousand, bool SampleByRequestId, int MaxPathTagLength, IReadOnlyList<CustomSpanTag> CustomTags,
    TraceExportTarget Target)
{
    private const uint TenThousand = 10_000;

    /// <summary>Envoy's random sampling for a request without an upstream decision. With the UUID request-id extension's
    /// default, the decision is the request id's first eight hex digits modulo 10000, so every proxy a request passes
    /// makes the same one; a request id that is not hex-led is not sampled, as in Envoy.</summary>
    public bool Samples(string? requestId)
    {
        if (SamplingPerTenThousand == 0) return false;
        if (SamplingPerTenThousand >= TenThousand) return true;
        if (!SampleByRequestId) return (uint)Random.Shared.Next((int)TenThousand) < SamplingPerTenThousand;
        return requestId is { Length: >= 8 }
            && uint.TryParse(requestId.AsSpan(0, 8), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var leading)
            && leading % TenThousand < SamplingPerTenThousand;
    }

    /// <summary>Null when the HCM does not trace; throws <see cref="ConfigException"/> for a provider this proxy cannot export
    /// to or a request-id extension it does not know.</summary>
    public static TracingPolicy? Compile(string where, Hcm.Types.Tracing? tracing, RequestIDExtension? requestIds)
    {
        if (tracing?.Provider is not { } provider) return null;
        var target = provider.Name switch
        {
            "envoy.tracers.opentelemetry" => OpenTelemetry(where, provider),
            "envoy.tracers.zipkin" => Zipkin(where, provider),
            _ => throw new ConfigException($"{where}: tracing provider \"{provider.Name}\" is not supported (envoy.tracers.opentelemetry and envoy.tracers.zipkin are)"),
        };
        var tags = tracing.CustomTags.Select(t => t.TypeCase switch
        {
            Envoy.Type.Tracing.V3.CustomTag.TypeOneofCase.Literal => new CustomSpanTag(t.Tag, t.Literal.Value, null, null),
            Envoy.Type.Tracing.V3.CustomTag.TypeOneofCase.Environment => new CustomSpanTag(t.Tag,
                Environment.GetEnvironmentVariable(t.Environment.Name) ?? NullIfEmpty(t.Environment.DefaultValue), null, null),
            Envoy.Type.Tracing.V3.CustomTag.TypeOneofCase.RequestHeader => new CustomSpanTag(t.Tag, null, t.RequestHeader.Name, NullIfEmpty(t.RequestHeader.DefaultValue)),
            _ => throw new ConfigException($"{where}: custom tag \"{t.Tag}\" has no literal, environment or request_header"),
        }).Where(t => t.Value is not null || t.Header is not null).ToList();
        // Envoy's default is 100% when random_sampling is unset; Istio always sets it.
        var sampling = tracing.RandomSampling is { } percent ? Math.Clamp(percent.Value, 0, 100) : 100;
        var perTenThousand = (uint)Math.Round(sampling * TenThousand / 100, MidpointRounding.AwayFromZero);
        return new TracingPolicy(perTenThousand, SamplesByRequestId(where, requestIds), (int)(tracing.MaxPathTagLength ?? 256), tags, target);
    }

    private static bool SamplesByRequestId(string where, RequestIDExtension? requestIds)
    {
        if (requestIds?.TypedConfig is not { } any) return true;
        if (!any.TryUnpack<UuidRequestIdConfig>(out var uuid))
            throw new ConfigException($"{where}: request_id_extension {any.TypeUrl} is not supported (envoy.extensions.request_id.uuid.v3.UuidRequestIdConfig is)");
        return uuid.UseRequestIdForTraceSampling ?? true;
    }

    private static TraceExportTarget OpenTelemetry(string where, Envoy.Config.Trace.V3.Tracing.Types.Http provider)
    {
        if (provider.TypedConfig is not { } any || !any.TryUnpack<OpenTelemetryConfig>(out var config))
            throw new ConfigException($"{where}: tracing provider {provider.Name} needs an OpenTelemetryConfig");
        var service = string.IsNullOrEmpty(config.ServiceName) ? null : config.ServiceName;
        if (config.HttpService?.HttpUri is { } http)
            return new TraceExportTarget(TraceExportProtocol.OtlpHttp, service, NullIfEmpty(http.Cluster), AbsoluteHttp(where, http.Uri));
        if (config.GrpcService?.EnvoyGrpc is { } grpc)
        {
            var authority = string.IsNullOrEmpty(grpc.Authority) ? "localhost" : grpc.Authority;
            return new TraceExportTarget(TraceExportProtocol.OtlpGrpc, service, grpc.ClusterName, AbsoluteHttp(where, $"http://{authority}/"));
        }
        throw new ConfigException($"{where}: the OpenTelemetryConfig has neither http_service nor grpc_service.envoy_grpc");
    }

    private static TraceExportTarget Zipkin(string where, Envoy.Config.Trace.V3.Tracing.Types.Http provider)
    {
        if (provider.TypedConfig is not { } any || !any.TryUnpack<ZipkinConfig>(out var config))
            throw new ConfigException($"{where}: tracing provider {provider.Name} needs a ZipkinConfig");
        if (config.CollectorEndpointVersion != ZipkinConfig.Types.CollectorEndpointVersion.HttpJson)
            throw new ConfigException($"{where}: Zipkin collector_endpoint_version {config.CollectorEndpointVersion} is not supported (HTTP_JSON is)");
        var host = string.IsNullOrEmpty(config.CollectorHostname) ? "localhost" : config.CollectorHostname;
        var path = string.IsNullOrEmpty(config.CollectorEndpoint) ? "/api/v2/spans" : config.CollectorEndpoint;
        return new TraceExportTarget(TraceExportProtocol.Zipkin, null, config.CollectorCluster, AbsoluteHttp(where, $"http://{host}{path}"));
    }

    private static Uri AbsoluteHttp(string where, string uri) =>
        Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https" ? parsed
        : throw new ConfigException($"{where}: tracing export URI \"{uri}\" is not an absolute http(s) URI");

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
