using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Trellis.Proxy.Clusters;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Forwarding;
using Trellis.Proxy.Listeners;
using Trellis.Proxy.Routing;
using Trellis.Proxy.Security;
using Trellis.Proxy.Telemetry;

namespace Trellis.Proxy.Completion;

/// <summary>How one request or tunnel ended, with what Envoy's access log knows about it; built once when it ends and
/// handed to every <see cref="ICompletionObserver"/>. It references the snapshot's objects (listener, route, cluster,
/// endpoint, peer) instead of copying or formatting them, so building it costs no allocation; the fields under
/// "details" are filled only when an observer wants them for this listener (<see cref="HasDetails"/>).</summary>
internal readonly record struct CompletionRecord
{
    public required CompletionKind Kind { get; init; }

    /// <summary>The configuration the request ran against; the references below belong to it.</summary>
    public required ProxySnapshot Snapshot { get; init; }

    /// <summary>The listener it arrived on, with its direction.</summary>
    public required ListenerModel Listener { get; init; }

    /// <summary>The connection manager of the filter chain that served it.</summary>
    public required HttpConnectionManagerModel Hcm { get; init; }

    /// <summary>When it began, by the wall clock (Envoy's START_TIME).</summary>
    public required DateTime StartTime { get; init; }

    /// <summary>When it began, on the monotonic clock the durations are measured on.</summary>
    public required long StartTimestamp { get; init; }

    /// <summary>From start to end (Envoy's DURATION).</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>From start to the last byte of the request body (REQUEST_DURATION); null when unknown.</summary>
    public TimeSpan? RequestDuration { get; init; }

    /// <summary>From start to the first byte of the upstream's response (RESPONSE_DURATION); null when none came.</summary>
    public TimeSpan? ResponseDuration { get; init; }

    /// <summary>What the upstream took to answer with headers (x-envoy-upstream-service-time); null when it did not.</summary>
    public TimeSpan? UpstreamServiceTime { get; init; }

    /// <summary>Downstream body bytes (tunnel bytes for a connection) received from and sent to the client; null when not counted.</summary>
    public long? BytesReceived { get; init; }

    public long? BytesSent { get; init; }

    /// <summary>For a tunnel: its upstream connection came up and bytes flowed (a refused CONNECT is no TCP connection).</summary>
    public bool UpstreamConnected { get; init; }

    /// <summary>The status answered to the client; 0 when the client went away first.</summary>
    public required int ResponseCode { get; init; }

    /// <summary>Envoy's response flags, "-" when none.</summary>
    public required string ResponseFlags { get; init; }

    /// <summary>Why the proxy answered the request itself (<see cref="LocalReply"/>), when it did.</summary>
    public string? LocalReason { get; init; }

    /// <summary>The reason was kept from the client (an authorization denial), so it is logged.</summary>
    public bool LocalReasonWithheld { get; init; }

    public RouteTable? Routes { get; init; }
    public VirtualHostEntry? VirtualHost { get; init; }
    public RouteEntry? Route { get; init; }
    public ClusterState? Cluster { get; init; }

    /// <summary>The endpoint the request went to (the last attempt's).</summary>
    public EndpointModel? UpstreamHost { get; init; }

    /// <summary>Why the connection to the upstream failed, when it did.</summary>
    public string? UpstreamTransportFailureReason { get; init; }

    /// <summary>The calling workload from its peer metadata (inbound only); principals stay unknown until mTLS proves them.</summary>
    public PeerIdentity? Peer { get; init; }

    /// <summary>The client presented a certificate that verified: the connection is mutual TLS.</summary>
    public bool DownstreamMutualTls { get; init; }

    /// <summary>The URI SAN of the client's certificate and of the upstream's; null without mTLS.</summary>
    public string? DownstreamPeerUriSan { get; init; }

    public string? UpstreamPeerUriSan { get; init; }

    /// <summary>The SNI the client sent; null until TLS listeners.</summary>
    public string? RequestedServerName { get; init; }

    /// <summary>The local address of the upstream connection; null, since pooled connections do not expose it.</summary>
    public EndPoint? UpstreamLocalAddress { get; init; }

    /// <summary>The client's and the listener's addresses (details only for requests; always for tunnels).</summary>
    public IPAddress? DownstreamRemoteAddress { get; init; }
    public int DownstreamRemotePort { get; init; }
    public IPAddress? DownstreamLocalAddress { get; init; }
    public int DownstreamLocalPort { get; init; }

    /// <summary>"HTTP/1.1", "HTTP/2", as Envoy's PROTOCOL prints it.</summary>
    public required string Protocol { get; init; }

    public required string Method { get; init; }
    public required string Scheme { get; init; }
    public required string Authority { get; init; }

    /// <summary>The path the client sent, before any route rewrite, without the query.</summary>
    public required string Path { get; init; }

    public string? Query { get; init; }

    public bool IsGrpc { get; init; }

    /// <summary>The gRPC status from the trailers (or a trailers-only response's headers); "" when not gRPC or absent.</summary>
    public required string GrpcStatus { get; init; }

    // Details: filled only when an observer wants them (see ICompletionObserver.WantsDetails).

    public bool HasDetails { get; init; }

    /// <summary>The request's headers, valid only while observers run (the request is recycled afterwards).</summary>
    public IHeaderDictionary? RequestHeaders { get; init; }

    /// <summary>The response's headers, valid only while observers run.</summary>
    public IHeaderDictionary? ResponseHeaders { get; init; }

    public string? UserAgent { get; init; }
    public string? RequestId { get; init; }
    public TraceHeaders Trace { get; init; }

    /// <summary>The request's span when it was sampled (<see cref="Tracing.RequestTracer"/>); null otherwise.</summary>
    public System.Diagnostics.Activity? Span { get; init; }

    public bool IsInbound => Listener.Direction == Envoy.Config.Core.V3.TrafficDirection.Inbound;

    /// <summary>The record of a request that has just ended.</summary>
    public static CompletionRecord ForRequest(RequestContext context, bool details) =>
        Build(context, CompletionKind.Request, details ? context.Http.Connection : null, details);

    /// <summary>The record of a CONNECT tunnel; <paramref name="downstream"/> is its client connection.</summary>
    public static CompletionRecord ForConnection(RequestContext context, Microsoft.AspNetCore.Connections.ConnectionContext downstream, bool details)
    {
        var record = Build(context, CompletionKind.Connection, null, details);
        var remote = downstream.RemoteEndPoint as IPEndPoint;
        var local = downstream.LocalEndPoint as IPEndPoint;
        var pump = context.Tunnel;
        return record with
        {
            DownstreamRemoteAddress = remote?.Address, DownstreamRemotePort = remote?.Port ?? 0,
            DownstreamLocalAddress = local?.Address, DownstreamLocalPort = local?.Port ?? 0,
            BytesReceived = pump?.ReceivedBytes ?? 0, BytesSent = pump?.SentBytes ?? 0, UpstreamConnected = pump is not null,
            UpstreamLocalAddress = pump?.UpstreamLocalAddress,
        };
    }

    private static CompletionRecord Build(RequestContext context, CompletionKind kind, ConnectionInfo? connection, bool details)
    {
        var http = context.Http;
        var request = http.Request;
        var now = Stopwatch.GetTimestamp();
        var grpc = request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;
        var counter = context.Bytes;
        var headers = details ? request.Headers : null;
        var tls = http.Features.Get<DownstreamTlsInfo>();
        return new CompletionRecord
        {
            Kind = kind,
            Snapshot = context.Snapshot,
            Listener = context.Listener,
            Hcm = context.Hcm,
            StartTime = context.StartTime,
            StartTimestamp = context.StartTimestamp,
            Duration = Stopwatch.GetElapsedTime(context.StartTimestamp, now),
            RequestDuration = details ? RequestDurationOf(context, counter) : null,
            ResponseDuration = context.UpstreamResponseTimestamp != 0 ? Stopwatch.GetElapsedTime(context.StartTimestamp, context.UpstreamResponseTimestamp) : null,
            UpstreamServiceTime = context.UpstreamServiceTime,
            BytesReceived = counter?.Received,
            BytesSent = counter?.Sent,
            ResponseCode = http.Response.StatusCode,
            ResponseFlags = context.ResponseFlag,
            LocalReason = context.LocalReason,
            LocalReasonWithheld = context.LocalReasonWithheld,
            Routes = context.Routes,
            VirtualHost = context.VirtualHost,
            Route = context.Route,
            Cluster = context.Cluster,
            UpstreamHost = context.Endpoint,
            UpstreamTransportFailureReason = context.UpstreamTransportFailureReason,
            Peer = context.Peer,
            DownstreamMutualTls = tls?.PeerCertificate is not null,
            DownstreamPeerUriSan = tls?.PeerUriSan,
            RequestedServerName = tls?.ServerName,
            DownstreamRemoteAddress = connection?.RemoteIpAddress,
            DownstreamRemotePort = connection?.RemotePort ?? 0,
            DownstreamLocalAddress = connection?.LocalIpAddress,
            DownstreamLocalPort = connection?.LocalPort ?? 0,
            Protocol = request.Protocol,
            Method = request.Method,
            Scheme = request.Scheme,
            Authority = request.Host.Value ?? "",
            Path = request.Path.Value ?? "",
            Query = request.QueryString.Value,
            IsGrpc = grpc,
            Span = context.Span,
            GrpcStatus = grpc ? GrpcStatusOf(http) : "",
            HasDetails = details,
            RequestHeaders = headers,
            ResponseHeaders = details ? http.Response.Headers : null,
            UserAgent = headers is null ? null : Header(headers.UserAgent),
            RequestId = headers is null ? null : Header(headers[ConnectionManager.RequestIdHeader]),
            Trace = headers is null ? default : new TraceHeaders(
                Header(headers[TraceHeaders.TraceParentHeader]), Header(headers[TraceHeaders.TraceStateHeader]), Header(headers[TraceHeaders.B3Header]),
                Header(headers[TraceHeaders.B3TraceIdHeader]), Header(headers[TraceHeaders.B3SpanIdHeader]),
                Header(headers[TraceHeaders.B3ParentSpanIdHeader]), Header(headers[TraceHeaders.B3SampledHeader])),
        };
    }

    /// <summary>A request without a body ended with its headers; one whose body was never read to its end has no request duration.</summary>
    private static TimeSpan? RequestDurationOf(RequestContext context, BodyByteCounter? counter)
    {
        if (counter?.RequestEndTimestamp is > 0 and var end) return Stopwatch.GetElapsedTime(context.StartTimestamp, end);
        var request = context.Http.Request;
        var bodiless = request.ContentLength == 0
            || (request.ContentLength is null && context.Http.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == false);
        return bodiless ? TimeSpan.Zero : null;
    }

    private static string? Header(Microsoft.Extensions.Primitives.StringValues values) => values.Count == 0 ? null : values.ToString();

    private static string GrpcStatusOf(HttpContext http)
    {
        var trailers = http.Features.Get<IHttpResponseTrailersFeature>()?.Trailers;
        var value = trailers?["grpc-status"].ToString();
        if (string.IsNullOrEmpty(value)) value = http.Response.Headers["grpc-status"].ToString();
        return value is { Length: > 0 and <= 2 } ? value : "";
    }
}
