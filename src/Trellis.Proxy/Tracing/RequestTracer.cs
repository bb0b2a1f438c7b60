using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Trellis.Proxy.Completion;
using Trellis.Proxy.Forwarding;

namespace Trellis.Proxy.Tracing;

/// <summary>Starts a request's span where its connection manager traces, as Envoy's does before the filters run: a
/// sampling decision that came with the request is kept, otherwise the HCM's random sampling decides (by the request id); the span (or, when
/// not sampled, only fresh ids with the decision) is propagated upstream in the tracer's format, which the apps forward.
/// A request that is not sampled creates no Activity.</summary>
internal sealed class RequestTracer(TraceExporters exporters)
{
    public void Begin(RequestContext context)
    {
        if (context.Hcm.Tracing is not { } policy) return;
        var headers = context.Http.Request.Headers;
        var incoming = IncomingTraceContext.From(headers);
        var sampled = incoming.Sampled ?? policy.Samples(headers[Listeners.ConnectionManager.RequestIdHeader].ToString());
        Activity? span = null;
        if (sampled && exporters.SourceFor(policy.Target, context.Snapshot) is { } source)
        {
            var parent = incoming.HasParent
                ? new ActivityContext(incoming.TraceId!.Value, incoming.SpanId!.Value, ActivityTraceFlags.Recorded, incoming.TraceState, isRemote: true)
                : default;
            // Without a parent from the request, the span is a root, whatever the task's ambient activity.
            var previous = Activity.Current;
            Activity.Current = null;
            span = source.StartActivity(context.IsInbound ? "inbound" : "outbound", context.IsInbound ? ActivityKind.Server : ActivityKind.Client, parent,
                startTime: context.StartTime);
            // The span is this request's, not the task's: the upstream client must not add its own trace headers.
            Activity.Current = previous;
            if (span is not null) StartTags(span, context, policy, headers);
        }
        context.Span = span;
        var traceId = span?.TraceId ?? incoming.TraceId ?? ActivityTraceId.CreateRandom();
        var spanId = span?.SpanId ?? ActivitySpanId.CreateRandom();
        Propagate(headers, policy.Target.Protocol, traceId, spanId, incoming.SpanId, span is not null);
    }

    /// <summary>As Envoy's tracers do: the OpenTelemetry tracer writes W3C traceparent (keeping tracestate), the Zipkin
    /// tracer B3's x-b3-* headers (and b3 when the request used the single header).</summary>
    private static void Propagate(IHeaderDictionary headers, TraceExportProtocol protocol, ActivityTraceId traceId, ActivitySpanId spanId,
        ActivitySpanId? parent, bool sampled)
    {
        var trace = traceId.ToHexString();
        var span = spanId.ToHexString();
        if (protocol != TraceExportProtocol.Zipkin)
        {
            headers[TraceHeaders.TraceParentHeader] = string.Concat("00-", trace, "-", span, sampled ? "-01" : "-00");
            return;
        }
        headers[TraceHeaders.B3TraceIdHeader] = trace;
        headers[TraceHeaders.B3SpanIdHeader] = span;
        if (parent is { } p) headers[TraceHeaders.B3ParentSpanIdHeader] = p.ToHexString();
        else headers.Remove(TraceHeaders.B3ParentSpanIdHeader);
        headers[TraceHeaders.B3SampledHeader] = sampled ? "1" : "0";
        if (headers.ContainsKey(TraceHeaders.B3Header)) headers[TraceHeaders.B3Header] = string.Concat(trace, "-", span, sampled ? "-1" : "-0");
    }

    private static void StartTags(Activity span, RequestContext context, TracingPolicy policy, IHeaderDictionary headers)
    {
        var request = context.Http.Request;
        var url = $"{request.Scheme}://{request.Host.Value}{request.Path.Value}{request.QueryString.Value}";
        span.SetTag("component", "proxy");
        span.SetTag("http.url", url.Length <= policy.MaxPathTagLength ? url : url[..policy.MaxPathTagLength]);
        span.SetTag("http.method", request.Method);
        span.SetTag("http.protocol", request.Protocol);
        span.SetTag("downstream_cluster", "-");
        span.SetTag("user_agent", headers.UserAgent.Count > 0 ? headers.UserAgent.ToString() : "-");
        if (headers[Listeners.ConnectionManager.RequestIdHeader] is { Count: > 0 } id) span.SetTag("guid:x-request-id", id.ToString());
        if (context.Http.Connection.RemoteIpAddress is { } peer) span.SetTag("peer.address", peer.ToString());
        foreach (var tag in policy.CustomTags)
        {
            var value = tag.Value ?? (headers[tag.Header!] is { Count: > 0 } header ? header.ToString() : tag.HeaderDefault);
            if (value is not null) span.SetTag(tag.Name, value);
        }
    }
}
