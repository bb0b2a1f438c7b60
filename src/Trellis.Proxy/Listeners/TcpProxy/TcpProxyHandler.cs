using System.Net.Sockets;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Trellis.Proxy.Clusters;
using Trellis.Proxy.Completion;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Forwarding;
using Trellis.Proxy.Listeners.FilterChains;
using Trellis.Proxy.Outbound;
using Trellis.Proxy.Outbound.Endpoint;
using Trellis.Proxy.Tunnels;

namespace Trellis.Proxy.Listeners.TcpProxy;

/// <summary>Envoy's tcp_proxy as a terminal network filter: a connection whose filter chain ends in tcp_proxy is
/// taken before any HTTP parsing, its bytes go to an endpoint of the filter's cluster through the same outbound
/// steps a tunnel takes (cluster by weight, circuit breaker's max_connections, the balancer's endpoint, the
/// dialer's loop guard and the cluster's transport socket), and it ends as a tunnel's completion record.
/// A connection that cannot be forwarded is closed: there is no protocol to explain it in.</summary>
internal sealed class TcpProxyHandler(SnapshotHolder snapshots, EndpointDialer dialer, CompletionObservers completions, ILogger logger)
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
                var pump = context.Tunnel = new TunnelPump(proxy.IdleTimeout);
                completions.ConnectionEstablished(context, connection);
                await pump.RunAsync(connection, upstreamIn, upstream);
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
                var upstream = await dialer.DialAsync(endpoint, cluster.Model, connection.ConnectionClosed);
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
                if (connection.ConnectionClosed.IsCancellationRequested)
                {
                    context.ResponseFlag = ResponseFlags.DownstreamConnectionTermination;
                    return null;
                }
                failure = context.UpstreamTransportFailureReason = e is OperationCanceledException ? "connect timeout" : e.Message;
                if (e is not SelfConnectionException) cluster.Report(endpoint, e is OperationCanceledException ? 504 : 503);
            }
        }
        Refuse(context, ResponseFlags.UpstreamConnectionFailure,
            $"cluster {cluster.Name} endpoint {context.Endpoint!.Authority} failed after {proxy.MaxConnectAttempts} attempt(s): {failure}");
        return null;
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
