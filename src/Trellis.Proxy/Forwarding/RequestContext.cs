using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Trellis.Proxy.Clusters;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Listeners;
using Trellis.Proxy.Listeners.FilterChains;
using Trellis.Proxy.Routing;
using Trellis.Proxy.Telemetry;

namespace Trellis.Proxy.Forwarding;

/// <summary>Everything one request accumulates on its way through the pipeline: the snapshot it
/// runs against, what it matched, where it went and how it ended.</summary>
internal sealed class RequestContext(HttpContext http, ProxySnapshot snapshot, ListenerModel listener, FilterChainModel chain)
{
    public HttpContext Http { get; } = http;
    public ProxySnapshot Snapshot { get; } = snapshot;
    public ListenerModel Listener { get; } = listener;

    /// <summary>The listener's filter chain that took the connection; its HTTP connection manager serves the request.</summary>
    public FilterChainModel Chain { get; } = chain;
    public HttpConnectionManagerModel Hcm => Chain.Hcm;

    public long StartTimestamp { get; } = Stopwatch.GetTimestamp();

    /// <summary>When the request began, by the wall clock (access logs' START_TIME).</summary>
    public DateTime StartTime { get; } = DateTime.UtcNow;

    public RouteTable? Routes { get; set; }
    public VirtualHostEntry? VirtualHost { get; set; }
    public RouteEntry? Route { get; set; }
    public ClusterState? Cluster { get; set; }

    /// <summary>This request's span, when its connection manager traces and it was sampled.</summary>
    public System.Diagnostics.Activity? Span { get; set; }

    /// <summary>The cluster the route picked when it was resolved (<see cref="Outbound.Logical.LogicalBackend.Preselect"/>).</summary>
    public (Routing.ForwardAction Action, Routing.ClusterChoice Choice)? PickedCluster { get; set; }
    public EndpointModel? Endpoint { get; set; }

    /// <summary>The calling workload, decoded from the peer metadata headers (inbound only).</summary>
    public PeerIdentity? Peer { get; set; }

    /// <summary>The Envoy response flag, "-" when the request went through cleanly.</summary>
    public string ResponseFlag { get; set; } = ResponseFlags.None;

    /// <summary>Why the proxy answered the request itself, when it did (see <see cref="LocalReply"/>).</summary>
    public string? LocalReason { get; set; }

    /// <summary>The local reply's reason was kept from the client and is logged instead.</summary>
    public bool LocalReasonWithheld { get; set; }

    /// <summary>A Set-Cookie value minted by a cookie hash policy, sent with the upstream's response.</summary>
    public string? AffinityCookie { get; set; }

    /// <summary>When the upstream's response headers arrived (the last attempt's); 0 while none has.</summary>
    public long UpstreamResponseTimestamp { get; set; }

    /// <summary>How long the upstream took to answer with headers, counted from the last attempt's start.</summary>
    public TimeSpan? UpstreamServiceTime { get; set; }

    /// <summary>Why the connection to the upstream failed, when it did.</summary>
    public string? UpstreamTransportFailureReason { get; set; }

    /// <summary>Whether some completion observer wants this request's details; decided once, when first asked.</summary>
    public bool? DetailsWanted { get; set; }

    /// <summary>Counts the downstream body bytes (see <see cref="Completion.BodyByteCounter"/>).</summary>
    public Completion.BodyByteCounter? Bytes { get; set; }

    /// <summary>The byte pump of a CONNECT tunnel once its upstream connection is up.</summary>
    public Tunnels.TunnelPump? Tunnel { get; set; }

    /// <summary>What filters told later filters about this request (see <see cref="HttpFilters.DynamicMetadata"/>).</summary>
    public HttpFilters.DynamicMetadata? Metadata { get; set; }

    public bool IsInbound => Listener.Direction == Envoy.Config.Core.V3.TrafficDirection.Inbound;
}
