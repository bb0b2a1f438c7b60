using System.Globalization;
using Trellis.Proxy.Bootstrap;
using Trellis.Proxy.Completion;
using Trellis.Proxy.Listeners;

namespace Trellis.Proxy.Telemetry;

/// <summary>Counts failed requests (4xx, 5xx, a client gone before the answer, or any response flag) by the edge they
/// failed on, the route and cluster that handled them, the response flags and the proxy's own reason: what the
/// dashboard's "why it failed" view groups, so an opaque 503 names the hop and the cause. Istio's metrics carry the
/// flags but not the reason; this series adds it. Reasons are cut to a bounded length and the series are capped, so a
/// client choosing hosts or paths cannot grow it without bound.</summary>
internal sealed class FailureReasons : ICompletionObserver
{
    public const string MetricName = "trellis_request_failures_total";

    /// <summary>Few distinct failures matter at once; a small cap keeps hostile variety cheap.</summary>
    public const int MaxSeries = 300;

    internal const int MaxReasonLength = 160;

    public static readonly string[] LabelNames =
    [
        "reporter", "source_workload", "source_workload_namespace", "destination_service_name", "destination_service_namespace",
        "route", "cluster", "response_code", "response_flags", "reason",
    ];

    private readonly OwnIdentity _own;

    public Counter Failures { get; }

    public FailureReasons(MetricRegistry registry, OwnIdentity own)
    {
        _own = own;
        Failures = registry.Add(new Counter(MetricName, "Failed requests by edge, route, cluster, response flags and the proxy's reason.", LabelNames, MaxSeries));
    }

    public bool WantsDetails(HttpConnectionManagerModel hcm) => false;

    public void OnCompleted(in CompletionRecord record)
    {
        if (record.Kind != CompletionKind.Request || !IsFailure(record)) return;
        Failures.Increment(Labels(record));
    }

    internal static bool IsFailure(in CompletionRecord record) =>
        record.ResponseCode is 0 or >= 400 || record.ResponseFlags != "-";

    internal string[] Labels(in CompletionRecord record)
    {
        var inbound = record.IsInbound;
        var source = inbound ? record.Peer ?? PeerIdentity.Unknown : _own.Workload;
        var service = record.Cluster?.Model.Service;
        var (serviceName, serviceNamespace) = inbound
            ? (service?.Name ?? _own.Workload.CanonicalService, _own.Workload.Namespace)
            : (service?.Name ?? record.Cluster?.Model.Name ?? "unknown", service?.Namespace ?? "unknown");
        return
        [
            inbound ? "destination" : "source", source.Workload, source.Namespace, serviceName, serviceNamespace,
            record.Route?.DisplayName ?? "-", record.Cluster?.Model.Name ?? "-",
            record.ResponseCode.ToString(CultureInfo.InvariantCulture), record.ResponseFlags, Reason(record),
        ];
    }

    /// <summary>The proxy's own reason when it answered itself; otherwise the upstream answered with this status.</summary>
    private static string Reason(in CompletionRecord record)
    {
        var reason = record.LocalReason
            ?? (record.ResponseCode == 0 ? "the client went away before the answer" : "the upstream answered " + record.ResponseCode.ToString(CultureInfo.InvariantCulture));
        return reason.Length <= MaxReasonLength ? reason : string.Concat(reason.AsSpan(0, MaxReasonLength - 1), "…");
    }
}
