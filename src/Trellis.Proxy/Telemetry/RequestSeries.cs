namespace Trellis.Proxy.Telemetry;

/// <summary>The istio_requests_total and istio_request_duration_milliseconds series one request is counted in.</summary>
internal sealed record RequestSeries(Counter.Series Requests, Histogram.Series Duration);
