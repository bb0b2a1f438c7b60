namespace Trellis.Proxy.Telemetry;

/// <summary>The istio_requests_total, istio_request_duration_milliseconds, istio_request_bytes and istio_response_bytes
/// series one request is counted in.</summary>
internal sealed record RequestSeries(Counter.Series Requests, Histogram.Series Duration, Histogram.Series RequestBytes, Histogram.Series ResponseBytes);
