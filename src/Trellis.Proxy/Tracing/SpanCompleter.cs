using System.Diagnostics;
using System.Globalization;
using Trellis.Proxy.Bootstrap;
using Trellis.Proxy.Completion;
using Trellis.Proxy.Listeners;

namespace Trellis.Proxy.Tracing;

/// <summary>Ends a sampled request's span from its completion record, so the span's timing and outcome are the access
/// log's: Istio's span name (the route's service host:port/*), Envoy's and Istio's tags, and an error status on 5xx or
/// no answer. The SDK's batch processor exports it later.</summary>
internal sealed class SpanCompleter(OwnIdentity own) : ICompletionObserver
{
    private const string MeshId = "cluster.local";

    public bool WantsDetails(HttpConnectionManagerModel hcm) => false;

    public void OnCompleted(in CompletionRecord record)
    {
        if (record.Span is not { } span) return;
        span.DisplayName = Name(record);
        var status = record.ResponseCode;
        span.SetTag("http.status_code", status.ToString(CultureInfo.InvariantCulture));
        span.SetTag("response_flags", record.ResponseFlags);
        var cluster = record.Cluster?.Model.Name ?? "-";
        span.SetTag("upstream_cluster", cluster);
        span.SetTag("upstream_cluster.name", cluster);
        span.SetTag("node_id", own.NodeId);
        span.SetTag("istio.canonical_service", own.Workload.CanonicalService);
        span.SetTag("istio.canonical_revision", own.Workload.CanonicalRevision);
        span.SetTag("istio.namespace", own.Workload.Namespace);
        span.SetTag("istio.mesh_id", MeshId);
        if (record.IsGrpc && record.GrpcStatus.Length > 0) span.SetTag("grpc.status_code", record.GrpcStatus);
        if (status is 0 or >= 500)
        {
            span.SetTag("error", "true");
            span.SetStatus(ActivityStatusCode.Error, record.LocalReason);
        }
        span.SetEndTime(record.StartTime + record.Duration);
        span.Stop();
    }

    /// <summary>As Istio's route decorators name operations: the destination service's host and port, then "/*";
    /// without a service, the request's authority and path.</summary>
    internal static string Name(in CompletionRecord record)
    {
        if (record.Cluster?.Model is { Service.Host: { } host } model && Port(model.Name) is { } port) return $"{host}:{port}/*";
        return record.Authority + record.Path;
    }

    /// <summary>The port of an Istio cluster name (direction|port|subset|host).</summary>
    private static string? Port(string clusterName)
    {
        var first = clusterName.IndexOf('|');
        if (first < 0) return null;
        var second = clusterName.IndexOf('|', first + 1);
        return second > first + 1 ? clusterName[(first + 1)..second] : null;
    }
}
