namespace Trellis.Proxy.Completion;

/// <summary>The trace context a request carried, W3C (traceparent, tracestate) and Zipkin B3 (single header and
/// x-b3-*), as the client or an upstream proxy sent it; null where absent.</summary>
internal readonly record struct TraceHeaders(string? TraceParent, string? TraceState, string? B3, string? B3TraceId, string? B3SpanId,
    string? B3ParentSpanId, string? B3Sampled)
{
    public const string TraceParentHeader = "traceparent";
    public const string TraceStateHeader = "tracestate";
    public const string B3Header = "b3";
    public const string B3TraceIdHeader = "x-b3-traceid";
    public const string B3SpanIdHeader = "x-b3-spanid";
    public const string B3ParentSpanIdHeader = "x-b3-parentspanid";
    public const string B3SampledHeader = "x-b3-sampled";
}
