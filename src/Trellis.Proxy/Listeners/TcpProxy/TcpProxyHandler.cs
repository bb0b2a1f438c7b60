using System.Net.Sockets;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using System.Text;
using Trellis.Proxy.Bootstrap;
using Trellis.Proxy.Clusters;
using Trellis.Proxy.Completion;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Forwarding;
using Trellis.Proxy.Listeners.FilterChains;
using Trellis.Proxy.Outbound;
using Trellis.Proxy.Outbound.Endpoint;
using Trellis.Proxy.Telemetry;
using Trellis.Proxy.Tunnels;

namespace Trellis.Proxy.Listeners.TcpProxy;

/// <summary>Envoy's tcp_proxy as a terminal network filter: a connection whose filter chain ends in tcp_proxy is
/// taken before any HTTP parsing, its bytes go to an endpoint of the filter's cluster through the same outbound
/// steps a tunnel takes (cluster by weight, circuit breaker's max_connections, the balancer's endpoint, the
/// dialer's loop guard and the cluster's transport socket), and it ends as a tunnel's completion record.
/// A connection that cannot be forwarded is closed: there is no protocol to explain it in.</summary>
internal sealed class TcpProxyHandler(SnapshotHolder snapshots, OwnIdentity own, EndpointDialer dialer, CompletionObservers completions, ILogger logger)
{
    /// <summary>Connection middleware for a listener, after its filter chain is chosen. Returning closes the
    /// connection with a FIN, as Envoy closes a tcp_proxy connection it could not forward.</summary>
    public Func<ConnectionDelegate, ConnectionDelegate> Middleware(Func<string> listenerName) => next => connection =>
    {
        if (connection.Features.Get<SelectedFilterChain>() is not { Chain.TcpProxy: not null }) return next(connection);
        return HandleAsync(connection, listenerName());
    };

    private async Task HandleAsync(ConnectionContext connection, string listenerName)
    {
        var snapshot = snapshots.Current;
        if (!SelectedFilterChain.TryResolve(snapshot, listenerName, connection.Features, out var listener, out var chain, out var draining)
            || chain.TcpProxy is not { } proxy)
        {
            logger.LogInformation("listener {Listener}: connection closed: {Reason}", listenerName, draining ?? "its filter chain no longer ends in tcp_proxy");
            connection.Abort();
            return;
        }
        var completion = new TunnelCompletion();
        var context = new RequestContext(ConnectionRequest(connection, completion), snapshot, listener, chain);
        try
        {
            await ProxyAsync(context, proxy, connection);
        }
        finally
        {
            await completion.CompleteAsync();
            completions.ConnectionCompleted(context, connection);
        }
    }

    private async Task ProxyAsync(RequestContext context, TcpProxyModel proxy, ConnectionContext connection)
    {
        var name = proxy.Choose((ulong)Random.Shared.NextInt64());
        if (!context.Snapshot.Clusters.TryGetValue(name, out var cluster))
        {
            Refuse(context, ResponseFlags.NoClusterFound, $"tcp_proxy {proxy.StatPrefix} sends to cluster \"{name}\", which is not configured");
            return;
        }
        context.Cluster = cluster;
        if (!cluster.Breaker.TryOpenConnection())
        {
            cluster.ConnectionOverflows.Increment();
            Refuse(context, ResponseFlags.UpstreamOverflow, $"cluster {cluster.Name} is at its circuit breaker limit (max_connections {cluster.Breaker.Limits.MaxConnections})");
            return;
        }
        try
        {
            if (await ConnectAsync(context, proxy, cluster, connection) is not { } upstream) return;
            await using (upstream)
            {
                var upstreamIn = PipeReader.Create(upstream.Stream, new StreamPipeReaderOptions(leaveOpen: true));
                if (proxy.TunnelHostname is { } authority && !await OpenTunnelAsync(context, authority, upstream.Stream, upstreamIn, connection))
                {
                    await upstreamIn.CompleteAsync();
                    return;
                }
                var pump = context.Tunnel = new TunnelPump(proxy.IdleTimeout) { MaxDuration = proxy.MaxConnectionDuration };
                completions.ConnectionEstablished(context, connection);
                await pump.RunAsync(connection, upstreamIn, upstream);
                if (pump.MaxDurationReached) context.ResponseFlag = ResponseFlags.DurationTimeout;
                await upstreamIn.CompleteAsync();
            }
        }
        finally
        {
            cluster.Breaker.CloseConnection();
        }
    }

    /// <summary>Up to max_connect_attempts endpoints, each the balancer's pick, each failure reported to outlier
    /// detection as Envoy's tcp_proxy reports local-origin connect failures (503) and timeouts (504).</summary>
    private async Task<UpstreamConnection?> ConnectAsync(RequestContext context, TcpProxyModel proxy, ClusterState cluster, ConnectionContext connection)
    {
        string? failure = null;
        for (var attempt = 0; attempt < proxy.MaxConnectAttempts; attempt++)
        {
            if (cluster.IsOriginalDestination)
            {
                // The original destination is this very listener without a redirect in front of it: a loop.
                Refuse(context, ResponseFlags.None, $"cluster {cluster.Name} is an ORIGINAL_DST cluster, which tcp_proxy cannot take without redirected connections");
                return null;
            }
            if (cluster.Pick(context.Http, null) is not { } endpoint)
            {
                Refuse(context, ResponseFlags.NoHealthyUpstream, $"cluster {cluster.Name} has no healthy endpoint ({cluster.Endpoints.Count} known)");
                return null;
            }
            context.Endpoint = endpoint;
            try
            {
                // Not ConnectionClosed: Kestrel signals it on the client's FIN, and a client may send its bytes and
                // half-close before the upstream is reached; the connect timeout bounds the wait instead.
                var upstream = await dialer.DialAsync(endpoint, cluster.Model, CancellationToken.None);
                cluster.Report(endpoint, 200);
                return upstream;
            }
            catch (ReservedDestinationException e)
            {
                Refuse(context, ResponseFlags.None, $"cluster {cluster.Name}: {e.Message}");
                return null;
            }
            catch (Exception e) when (e is SocketException or SelfConnectionException or OperationCanceledException or IOException)
            {
                failure = context.UpstreamTransportFailureReason = e is OperationCanceledException ? "connect timeout" : e.Message;
                if (e is not SelfConnectionException) cluster.Report(endpoint, e is OperationCanceledException ? 504 : 503);
            }
        }
        Refuse(context, ResponseFlags.UpstreamConnectionFailure,
            $"cluster {cluster.Name} endpoint {context.Endpoint!.Authority} failed after {proxy.MaxConnectAttempts} attempt(s): {failure}");
        return null;
    }

    private static readonly TimeSpan TunnelAnswerTimeout = TimeSpan.FromSeconds(10);

    /// <summary>tunneling_config: asks the upstream for a CONNECT to <paramref name="authority"/>, telling a destination
    /// sidecar who is calling as a CONNECT from a sidecar would; false (and the connection closes) unless it answers 2xx.</summary>
    private async Task<bool> OpenTunnelAsync(RequestContext context, string authority, Stream upstream, PipeReader upstreamIn, ConnectionContext connection)
    {
        PeerMetadata.Stamp(context, own);
        var head = new StringBuilder($"CONNECT {authority} HTTP/1.1\r\nhost: {authority}\r\n");
        foreach (var (name, values) in context.Http.Request.Headers)
            foreach (var value in values)
                if (value is not null && Http1Head.IsFieldValue(value)) head.Append(name).Append(": ").Append(value).Append("\r\n");
        head.Append("\r\n");
        Http1Head? answer;
        string? error;
        try
        {
            // As for the dial, the client's FIN must not cancel the tunnel's set-up; the answer timeout bounds it.
            using var timeout = new CancellationTokenSource(TunnelAnswerTimeout);
            await upstream.WriteAsync(Encoding.Latin1.GetBytes(head.ToString()), timeout.Token);
            (answer, error) = await Http1Head.ReadAsync(upstreamIn, timeout.Token);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            (answer, error) = (null, e is OperationCanceledException ? "no answer in time" : e.Message);
        }
        var status = answer?.StartLine.Split(' ') is [_, var code, ..] ? code : null;
        if (status is { Length: 3 } && status[0] == '2') return true;
        Refuse(context, ResponseFlags.UpstreamConnectionTermination,
            $"{context.Endpoint!.Authority} of cluster {context.Cluster!.Name} refused the tunnel to {authority}: {(answer is null ? error : answer.StartLine)}");
        return false;
    }

    private void Refuse(RequestContext context, string flag, string reason)
    {
        context.ResponseFlag = flag;
        context.LocalReason = $"listener {context.Listener.Name}: {reason}";
        logger.LogWarning("{Reason}", context.LocalReason);
    }

    /// <summary>The connection as the request the outbound pipeline and the completion records expect: no method, no
    /// path, as Envoy's TCP stats know none.</summary>
    private static DefaultHttpContext ConnectionRequest(ConnectionContext connection, TunnelCompletion completion)
    {
        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(new HttpRequestFeature { Protocol = "", Scheme = "tcp", Path = "" });
        features.Set<IHttpResponseFeature>(completion);
        features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null));
        features.Set<IHttpRequestLifetimeFeature>(new HttpRequestLifetimeFeature { RequestAborted = connection.ConnectionClosed });
        return new DefaultHttpContext(features);
    }
}
