using System.Net;
using Trellis.Proxy.Clusters;

namespace Trellis.Proxy.Outbound.Endpoint;

/// <summary>Makes a cluster's HTTP connection pool, every connection of which is dialed by the
/// <see cref="EndpointDialer"/>, and disposes retired pools after a grace period so requests still
/// using them can finish.</summary>
internal sealed class UpstreamHttpClients(EndpointDialer dialer, TimeSpan retireAfter)
{
    /// <summary>Set on a request whose endpoint a transport_socket_match gave its own socket: the pool's dial uses it.</summary>
    public static readonly HttpRequestOptionsKey<IUpstreamTransportSocket> EndpointSocket = new("trellis.endpoint-transport-socket");

    public HttpMessageInvoker Create(ClusterModel cluster) => new(new SocketsHttpHandler
    {
        // Per endpoint, where Envoy's max_connections counts the whole cluster: the same for one-endpoint clusters.
        // At least one: the handler refuses 0, and the circuit breaker already holds back what max_connections 0 forbids.
        MaxConnectionsPerServer = (int)Math.Clamp(cluster.Limits.MaxConnections, 1, int.MaxValue),
        ConnectCallback = async (context, ct) =>
        {
            var http2 = context.InitialRequestMessage.Version.Major == 2;
            var stream = await dialer.ConnectAsync(context.DnsEndPoint, cluster,
                context.InitialRequestMessage.Options.TryGetValue(EndpointSocket, out var matched) ? matched : cluster.TransportSocket, http2, ct);
            var reuse = cluster.Reuse;
            if (http2) return reuse.MaxRequests is not null || reuse.MaxConcurrentStreams is not null ? new Http2LimitStream(stream, reuse.MaxConcurrentStreams, reuse.MaxRequests) : stream;
            return reuse.MaxRequests is { } limit ? new RequestLimitStream(stream, limit) : stream;
        },
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        EnableMultipleHttp2Connections = true,
        ConnectTimeout = cluster.ConnectTimeout,
        PooledConnectionIdleTimeout = cluster.Reuse.IdleTimeout,
        PooledConnectionLifetime = cluster.Reuse.MaxDuration ?? Timeout.InfiniteTimeSpan,
        // The proxy forwards trace headers as received; it must not inject its own.
        ActivityHeadersPropagator = null,
    }, disposeHandler: true);

    public void Retire(HttpMessageInvoker invoker) =>
        _ = Task.Delay(retireAfter).ContinueWith(_ => invoker.Dispose(), TaskScheduler.Default);
}
