using Trellis.Proxy.Clusters;
using Trellis.Proxy.Forwarding;

namespace Trellis.Proxy.Outbound.Concrete;

/// <summary>The concrete step's circuit breaker: an HTTP request takes a request slot for its whole exchange, a
/// tunnel one of max_connections for its whole life, as Envoy's router and tcp_proxy count them. Null admits;
/// the caller then releases what it took (<see cref="CircuitBreaker.Exit"/>, <see cref="CircuitBreaker.CloseConnection"/>).</summary>
internal static class ClusterAdmission
{
    private const string OverflowBody = "upstream connect error or disconnect/reset before headers. reset reason: overflow";

    public static OutboundRefusal? AdmitRequest(RequestContext context, ClusterState cluster)
    {
        var breaker = cluster.Breaker;
        if (breaker.TryEnter()) return null;
        var limits = breaker.Limits;
        return new OutboundRefusal(503, ResponseFlags.UpstreamOverflow, OverflowBody,
            $"route {context.Route!.DisplayName}: cluster {cluster.Name} is at its circuit breaker limit (max_requests {limits.MaxRequests}, " +
            $"max_connections {limits.MaxConnections}, max_pending_requests {limits.MaxPendingRequests})", Overloaded: true);
    }

    public static OutboundRefusal? AdmitConnection(RequestContext context, ClusterState cluster)
    {
        if (cluster.Breaker.TryOpenConnection()) return null;
        cluster.ConnectionOverflows.Increment();
        return new OutboundRefusal(503, ResponseFlags.UpstreamOverflow, OverflowBody,
            $"route {context.Route!.DisplayName}: cluster {cluster.Name} is at its circuit breaker limit (max_connections {cluster.Breaker.Limits.MaxConnections})",
            Overloaded: true);
    }
}
