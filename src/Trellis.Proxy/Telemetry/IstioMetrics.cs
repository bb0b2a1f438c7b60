using System.Globalization;
using Trellis.Proxy.Bootstrap;
using Trellis.Proxy.Completion;
using Trellis.Proxy.Listeners;
using Trellis.Proxy.Telemetry.Overrides;

namespace Trellis.Proxy.Telemetry;

/// <summary>Istio's standard request metrics (istio_requests_total, istio_request_duration_milliseconds,
/// istio_request_bytes, istio_response_bytes) and TCP metrics (istio_tcp_*) with Istio's label names, so existing dashboards and PromQL work unchanged.
/// Label values come from what the control plane sent (the cluster's service metadata, the endpoint's workload)
/// and the caller's peer metadata, never from the Host header a client chose: like Istio's stats filter with
/// disable_host_header_fallback, so a client cannot mint series; the series cap bounds what peers can.</summary>
internal sealed class IstioMetrics : ICompletionObserver
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

    /// <summary>Envoy's default histogram buckets, which Istio's stats use for every histogram: durations in
    /// milliseconds and body sizes in bytes alike (so a Prometheus query written for Istio's byte buckets finds them).</summary>
    public static readonly double[] EnvoyDefaultBuckets = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000];

    private static readonly string[] StatusCodes = Enumerable.Range(0, 600).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();

    private readonly OwnIdentity _own;
    private readonly RequestSeriesCache _series = new();

    public Counter Requests { get; }
    public Histogram Duration { get; }
    public Histogram RequestBytes { get; }
    public Histogram ResponseBytes { get; }
    public Counter TcpOpened { get; }
    public Counter TcpClosed { get; }
    public Counter TcpReceivedBytes { get; }
    public Counter TcpSentBytes { get; }

    public IstioMetrics(MetricRegistry registry, OwnIdentity own, int maxSeries = MetricRegistry.DefaultMaxSeries)
    {
        _own = own;
        Requests = registry.Add(new Counter("istio_requests_total", "Total requests handled by this proxy.", LabelNames, maxSeries));
        Duration = registry.Add(new Histogram("istio_request_duration_milliseconds", "Request duration in milliseconds.", LabelNames, EnvoyDefaultBuckets, maxSeries));
        RequestBytes = registry.Add(new Histogram("istio_request_bytes", "HTTP request body sizes in bytes.", LabelNames, EnvoyDefaultBuckets, maxSeries));
        ResponseBytes = registry.Add(new Histogram("istio_response_bytes", "HTTP response body sizes in bytes.", LabelNames, EnvoyDefaultBuckets, maxSeries));
        TcpOpened = registry.Add(new Counter("istio_tcp_connections_opened_total", "TCP connections opened.", TcpLabelNames, maxSeries));
        TcpClosed = registry.Add(new Counter("istio_tcp_connections_closed_total", "TCP connections closed.", TcpLabelNames, maxSeries));
        TcpReceivedBytes = registry.Add(new Counter("istio_tcp_received_bytes_total", "Bytes received from the client over TCP connections.", TcpLabelNames, maxSeries));
        TcpSentBytes = registry.Add(new Counter("istio_tcp_sent_bytes_total", "Bytes sent to the client over TCP connections.", TcpLabelNames, maxSeries));
    }

    /// <summary>Label expressions that read headers need the record's details.</summary>
    public bool WantsDetails(HttpConnectionManagerModel hcm) => hcm.MetricOverrides?.ReadsHeaders == true;

    public void OnCompleted(in CompletionRecord record)
    {
        if (record.Kind == CompletionKind.Request)
        {
            // Overrides that turn everything off, or change nothing, must cost no more than having none.
            if (record.Hcm.MetricOverrides is not { RequestMetricsUnchanged: false } overrides) Record(record);
            else if (!overrides.RequestMetricsOff) RecordOverridden(record, overrides);
        }
        else if (record.UpstreamConnected && record.Hcm.MetricOverrides is not { TcpMetricsOff: true })
        {
            var labels = TcpLabels(record);
            var overrides = record.Hcm.MetricOverrides;
            var attributes = AttributesFor(overrides, record);
            Tcp(TcpClosed, "TCP_CLOSED_CONNECTIONS", overrides, labels, attributes, 1);
            Tcp(TcpReceivedBytes, "TCP_RECEIVED_BYTES", overrides, labels, attributes, record.BytesReceived ?? 0);
            Tcp(TcpSentBytes, "TCP_SENT_BYTES", overrides, labels, attributes, record.BytesSent ?? 0);
        }
    }

    /// <summary>Only tunnels whose upstream connection came up count as TCP connections, as Istio's TCP stats count them.</summary>
    public void OnConnectionEstablished(in CompletionRecord record)
    {
        var overrides = record.Hcm.MetricOverrides;
        if (overrides is { TcpMetricsOff: true }) return;
        Tcp(TcpOpened, "TCP_OPENED_CONNECTIONS", overrides, TcpLabels(record), AttributesFor(overrides, record), 1);
    }

    private static void Tcp(Counter counter, string metric, MetricOverridePolicy? overrides, string[] labels, Dictionary<string, object?>? attributes, long by)
    {
        if (overrides?.For(metric) is not { } rule) counter.Increment(labels, by);
        else if (!rule.Disabled) counter.Increment(MetricOverridePolicy.Apply(rule, TcpLabelNames, labels, attributes), by);
    }

    /// <summary>The request's attributes, once for all of its metrics, when some override label is an expression.</summary>
    private static Dictionary<string, object?>? AttributesFor(MetricOverridePolicy? overrides, in CompletionRecord record) =>
        overrides is { HasExpressions: true } ? Expressions.RequestAttributes.Of(record, overrides.ReadsHeaders) : null;

    /// <summary>With Telemetry overrides the labels may depend on the request itself, so the series cache is bypassed:
    /// each metric gets its own labels, or none when it is turned off.</summary>
    private void RecordOverridden(in CompletionRecord record, MetricOverridePolicy overrides)
    {
        var labels = Labels(record);
        var attributes = AttributesFor(overrides, record);
        if (Labelled(overrides, "REQUEST_COUNT", labels, attributes) is { } count) Requests.Increment(count);
        if (Labelled(overrides, "REQUEST_DURATION", labels, attributes) is { } duration) Duration.For(duration).Observe(record.Duration.TotalMilliseconds);
        if (Labelled(overrides, "REQUEST_SIZE", labels, attributes) is { } requestSize) RequestBytes.For(requestSize).Observe(record.BytesReceived ?? 0);
        if (Labelled(overrides, "RESPONSE_SIZE", labels, attributes) is { } responseSize) ResponseBytes.For(responseSize).Observe(record.BytesSent ?? 0);
    }

    private static string[]? Labelled(MetricOverridePolicy overrides, string metric, string[] labels, Dictionary<string, object?>? attributes) =>
        overrides.For(metric) switch
        {
            null => labels,
            { Disabled: true } => null,
            var rule => MetricOverridePolicy.Apply(rule, LabelNames, labels, attributes),
        };

    /// <summary>The TCP series of a tunnel, described by its CONNECT request.</summary>
    internal string[] TcpLabels(in CompletionRecord record)
    {
        var all = Labels(record);
        all[Array.IndexOf(LabelNames, "request_protocol")] = "tcp";
        return TcpLabelIndexes.Select(i => all[i]).ToArray();
    }

    private void Record(in CompletionRecord record)
    {
        var series = _series.Get(record.Snapshot, SeriesKey(record), static state =>
        {
            var labels = state.Metrics.Labels(state.Record);
            var metrics = state.Metrics;
            return new RequestSeries(metrics.Requests.For(labels), metrics.Duration.For(labels), metrics.RequestBytes.For(labels), metrics.ResponseBytes.For(labels));
        }, (Metrics: this, Record: record));
        series.Requests.Increment();
        series.Duration.Observe(record.Duration.TotalMilliseconds);
        series.RequestBytes.Observe(record.BytesReceived ?? 0);
        series.ResponseBytes.Observe(record.BytesSent ?? 0);
    }

    /// <summary>Everything <see cref="Labels"/> reads, cheap to compare.</summary>
    private static RequestSeriesKey SeriesKey(in CompletionRecord record) => record.IsInbound
        ? new RequestSeriesKey(true, record.Peer, null, record.Cluster?.Model.Service, record.ResponseCode, record.IsGrpc, record.GrpcStatus, record.ResponseFlags,
            record.DownstreamMutualTls, record.DownstreamPeerUriSan)
        : new RequestSeriesKey(false, null, record.UpstreamHost?.Workload, record.Cluster, record.ResponseCode, record.IsGrpc, record.GrpcStatus, record.ResponseFlags,
            false, null);

    internal string[] Labels(in CompletionRecord record)
    {
        var inbound = record.IsInbound;
        var source = inbound ? record.Peer ?? PeerIdentity.Unknown : _own.Workload;
        string dWorkload, dNamespace, dApp, dVersion, dCluster, dCanonical, dRevision, service, serviceName, serviceNamespace;
        if (inbound)
        {
            var d = _own.Workload;
            (dWorkload, dNamespace, dApp, dVersion, dCluster, dCanonical, dRevision) = (d.Workload, d.Namespace, d.App, d.Version, d.Cluster, d.CanonicalService, d.CanonicalRevision);
            // The inbound cluster's "istio.services" metadata names the service; without it Istio's stats name the
            // workload's canonical service.
            var s = record.Cluster?.Model.Service;
            (service, serviceName, serviceNamespace) = (s?.Host ?? d.CanonicalService, s?.Name ?? d.CanonicalService, d.Namespace);
        }
        else
        {
            var w = record.UpstreamHost?.Workload;
            (dWorkload, dNamespace, dCluster) = (w?.Name ?? "unknown", w?.Namespace ?? "unknown", w?.Cluster ?? "unknown");
            (dApp, dVersion, dCanonical, dRevision) = (w?.CanonicalService ?? "unknown", w?.CanonicalRevision ?? "unknown", w?.CanonicalService ?? "unknown", w?.CanonicalRevision ?? "latest");
            // Passthrough and other clusters without service metadata: the cluster's name, and service "unknown".
            var cluster = record.Cluster;
            var s = cluster?.Model.Service;
            service = s?.Host ?? "unknown";
            serviceName = s?.Name ?? cluster?.Model.Name ?? "unknown";
            serviceNamespace = s?.Namespace ?? "unknown";
        }
        var status = record.ResponseCode;
        var grpc = record.IsGrpc;
        var (sourcePrincipal, destinationPrincipal) = Principals(record);
        return
        [
            inbound ? "destination" : "source", source.Workload, source.Namespace, sourcePrincipal, source.App, source.Version,
            source.Cluster, source.CanonicalService, source.CanonicalRevision,
            dWorkload, dNamespace, destinationPrincipal, dApp, dVersion,
            service, serviceName, serviceNamespace, dCluster, dCanonical, dRevision,
            grpc ? "grpc" : "http", status is >= 0 and < 600 ? StatusCodes[status] : status.ToString(CultureInfo.InvariantCulture),
            record.GrpcStatus, record.ResponseFlags, inbound ? record.DownstreamMutualTls ? "mutual_tls" : "none" : "unknown",
        ];
    }

    /// <summary>Principals come only from certificates, as Istio's stats take them from the connection: inbound, the
    /// client's URI SAN and our own when the connection is mutual TLS; outbound, ours and the URI SAN the upstream proved
    /// when its connection is TLS. Otherwise "unknown", whatever peer metadata claims.</summary>
    private (string Source, string Destination) Principals(in CompletionRecord record)
    {
        if (record.IsInbound)
            return record.DownstreamMutualTls ? (record.DownstreamPeerUriSan ?? "unknown", _own.Workload.Principal) : ("unknown", "unknown");
        if (record.UpstreamHost is { } endpoint && record.Cluster is { } cluster
            && endpoint.SocketIn(cluster.Model) is Outbound.Endpoint.UpstreamTlsTransportSocket tls)
            return (_own.Workload.Principal, tls.PrincipalOf(endpoint.Host, endpoint.Port) ?? "unknown");
        return ("unknown", "unknown");
    }
}
