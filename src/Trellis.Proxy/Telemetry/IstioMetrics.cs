using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Trellis.Proxy.Bootstrap;
using Trellis.Proxy.Forwarding;

namespace Trellis.Proxy.Telemetry;

/// <summary>Istio's standard request metrics (istio_requests_total, istio_request_duration_milliseconds)
/// and TCP metrics (istio_tcp_*) with Istio's label names, so existing dashboards and PromQL work unchanged.
/// Label values come from what the control plane sent (the cluster's service metadata, the endpoint's workload)
/// and the caller's peer metadata, never from the Host header a client chose: like Istio's stats filter with
/// disable_host_header_fallback, so a client cannot mint series; the series cap bounds what peers can.</summary>
internal sealed class IstioMetrics
{
    public static readonly string[] LabelNames =
    [
        "reporter", "source_workload", "source_workload_namespace", "source_principal", "source_app", "source_version",
        "source_cluster", "source_canonical_service", "source_canonical_revision",
        "destination_workload", "destination_workload_namespace", "destination_principal", "destination_app", "destination_version",
        "destination_service", "destination_service_name", "destination_service_namespace", "destination_cluster",
        "destination_canonical_service", "destination_canonical_revision",
        "request_protocol", "response_code", "grpc_response_status", "response_flags", "connection_security_policy",
    ];

    /// <summary>TCP series carry the request labels except the response code and gRPC status.</summary>
    public static readonly string[] TcpLabelNames = LabelNames.Where(n => n is not ("response_code" or "grpc_response_status")).ToArray();

    private static readonly int[] TcpLabelIndexes = TcpLabelNames.Select(n => Array.IndexOf(LabelNames, n)).ToArray();

    public static readonly double[] DurationBuckets = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000];

    private static readonly string[] StatusCodes = Enumerable.Range(0, 600).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();

    private readonly OwnIdentity _own;
    private readonly RequestSeriesCache _series = new();

    public Counter Requests { get; }
    public Histogram Duration { get; }
    public Counter TcpOpened { get; }
    public Counter TcpClosed { get; }
    public Counter TcpReceivedBytes { get; }
    public Counter TcpSentBytes { get; }

    public IstioMetrics(MetricRegistry registry, OwnIdentity own, int maxSeries = MetricRegistry.DefaultMaxSeries)
    {
        _own = own;
        Requests = registry.Add(new Counter("istio_requests_total", "Total requests handled by this proxy.", LabelNames, maxSeries));
        Duration = registry.Add(new Histogram("istio_request_duration_milliseconds", "Request duration in milliseconds.", LabelNames, DurationBuckets, maxSeries));
        TcpOpened = registry.Add(new Counter("istio_tcp_connections_opened_total", "TCP connections opened.", TcpLabelNames, maxSeries));
        TcpClosed = registry.Add(new Counter("istio_tcp_connections_closed_total", "TCP connections closed.", TcpLabelNames, maxSeries));
        TcpReceivedBytes = registry.Add(new Counter("istio_tcp_received_bytes_total", "Bytes received from the client over TCP connections.", TcpLabelNames, maxSeries));
        TcpSentBytes = registry.Add(new Counter("istio_tcp_sent_bytes_total", "Bytes sent to the client over TCP connections.", TcpLabelNames, maxSeries));
    }

    /// <summary>The TCP series of a tunnel, described by its CONNECT request's context.</summary>
    internal string[] TcpLabels(RequestContext context)
    {
        var all = Labels(context);
        all[Array.IndexOf(LabelNames, "request_protocol")] = "tcp";
        return TcpLabelIndexes.Select(i => all[i]).ToArray();
    }

    public void Record(RequestContext context)
    {
        var series = _series.Get(context.Snapshot, SeriesKey(context), static state =>
        {
            var labels = state.Metrics.Labels(state.Context);
            return new RequestSeries(state.Metrics.Requests.For(labels), state.Metrics.Duration.For(labels));
        }, (Metrics: this, Context: context));
        series.Requests.Increment();
        series.Duration.Observe(Stopwatch.GetElapsedTime(context.StartTimestamp).TotalMilliseconds);
    }

    /// <summary>Everything <see cref="Labels"/> reads, cheap to compare.</summary>
    private static RequestSeriesKey SeriesKey(RequestContext context)
    {
        var http = context.Http;
        var grpc = IsGrpc(http.Request);
        return context.IsInbound
            ? new RequestSeriesKey(true, context.Peer, null, context.Cluster?.Model.Service, http.Response.StatusCode, grpc, grpc ? GrpcStatus(http) : "", context.ResponseFlag)
            : new RequestSeriesKey(false, null, context.Endpoint?.Workload, context.Cluster, http.Response.StatusCode, grpc, grpc ? GrpcStatus(http) : "", context.ResponseFlag);
    }

    internal string[] Labels(RequestContext context)
    {
        var http = context.Http;
        var inbound = context.IsInbound;
        var source = inbound ? context.Peer ?? PeerIdentity.Unknown : _own.Workload;
        string dWorkload, dNamespace, dApp, dVersion, dCluster, dCanonical, dRevision, service, serviceName, serviceNamespace;
        if (inbound)
        {
            var d = _own.Workload;
            (dWorkload, dNamespace, dApp, dVersion, dCluster, dCanonical, dRevision) = (d.Workload, d.Namespace, d.App, d.Version, d.Cluster, d.CanonicalService, d.CanonicalRevision);
            // The inbound cluster's "istio.services" metadata names the service; without it Istio's stats name the
            // workload's canonical service.
            var s = context.Cluster?.Model.Service;
            (service, serviceName, serviceNamespace) = (s?.Host ?? d.CanonicalService, s?.Name ?? d.CanonicalService, d.Namespace);
        }
        else
        {
            var w = context.Endpoint?.Workload;
            (dWorkload, dNamespace, dCluster) = (w?.Name ?? "unknown", w?.Namespace ?? "unknown", w?.Cluster ?? "unknown");
            (dApp, dVersion, dCanonical, dRevision) = (w?.CanonicalService ?? "unknown", w?.CanonicalRevision ?? "unknown", w?.CanonicalService ?? "unknown", w?.CanonicalRevision ?? "latest");
            // Passthrough and other clusters without service metadata: the cluster's name, and service "unknown".
            var s = context.Cluster?.Model.Service;
            service = s?.Host ?? "unknown";
            serviceName = s?.Name ?? context.Cluster?.Model.Name ?? "unknown";
            serviceNamespace = s?.Namespace ?? "unknown";
        }
        var status = http.Response.StatusCode;
        var grpc = IsGrpc(http.Request);
        return
        [
            inbound ? "destination" : "source", source.Workload, source.Namespace, source.Principal, source.App, source.Version,
            source.Cluster, source.CanonicalService, source.CanonicalRevision,
            dWorkload, dNamespace, inbound ? _own.Workload.Principal : "unknown", dApp, dVersion,
            service, serviceName, serviceNamespace, dCluster, dCanonical, dRevision,
            grpc ? "grpc" : "http", status is >= 0 and < 600 ? StatusCodes[status] : status.ToString(CultureInfo.InvariantCulture),
            grpc ? GrpcStatus(http) : "", context.ResponseFlag, inbound ? "none" : "unknown",
        ];
    }

    private static bool IsGrpc(HttpRequest request) => request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;

    private static string GrpcStatus(HttpContext http)
    {
        var trailers = http.Features.Get<IHttpResponseTrailersFeature>()?.Trailers;
        var value = trailers?["grpc-status"].ToString();
        if (string.IsNullOrEmpty(value)) value = http.Response.Headers["grpc-status"].ToString();
        return value is { Length: > 0 and <= 2 } ? value : "";
    }
}
