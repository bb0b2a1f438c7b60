namespace Trellis.ControlPlane.Observability.Traffic;

/// <summary>A kind of failure on an edge, from the proxies' trellis_request_failures_total: which proxy reported it,
/// the route and cluster that handled the request, the status, Envoy's response flags and the proxy's own reason.</summary>
internal readonly record struct FailureKey(string Reporter, WorkloadName Source, ServiceName Service, string Route, string Cluster,
    string ResponseCode, string ResponseFlags, string Reason);
