using System.Collections.Concurrent;
using System.Net;

namespace Trellis.Proxy.Clusters;

/// <summary>One pooled <see cref="HttpMessageInvoker"/> per cluster, kept across snapshots while the
/// cluster's connection settings are unchanged; retired invokers are disposed after a grace period
/// so requests still using them can finish. Passthrough (ORIGINAL_DST) clusters never connect to the
/// proxy's own sockets, nor to the ports the control plane reserved.</summary>
internal sealed class UpstreamClientPool(TimeSpan retireAfter, OwnSockets own) : IDisposable
{
    private readonly ConcurrentDictionary<string, (object Key, HttpMessageInvoker Invoker)> _clients = new(StringComparer.Ordinal);

    public HttpMessageInvoker Get(ClusterModel cluster)
    {
        object key = cluster.PoolKey;
        if (_clients.TryGetValue(cluster.Name, out var existing) && existing.Key.Equals(key)) return existing.Invoker;
        var created = Create(cluster, cluster.Type == Envoy.Config.Cluster.V3.Cluster.Types.DiscoveryType.OriginalDst ? own : null);
        _clients[cluster.Name] = (key, created);
        if (existing.Invoker is not null) Retire(existing.Invoker);
        return created;
    }

    /// <summary>Retires the invokers of clusters no longer configured.</summary>
    public void RetainOnly(IReadOnlySet<string> clusterNames)
    {
        foreach (var name in _clients.Keys)
            if (!clusterNames.Contains(name) && _clients.TryRemove(name, out var removed)) Retire(removed.Invoker);
    }

    private void Retire(HttpMessageInvoker invoker) =>
        _ = Task.Delay(retireAfter).ContinueWith(_ => invoker.Dispose(), TaskScheduler.Default);

    private static HttpMessageInvoker Create(ClusterModel cluster, OwnSockets? refuse) => new(new SocketsHttpHandler
    {
        // Per endpoint, where Envoy's max_connections counts the whole cluster: the same for one-endpoint clusters.
        // At least one: the handler refuses 0, and the circuit breaker already holds back what max_connections 0 forbids.
        MaxConnectionsPerServer = (int)Math.Clamp(cluster.Limits.MaxConnections, 1, int.MaxValue),
        ConnectCallback = refuse is null ? null : (context, ct) => ConnectAsync(context.DnsEndPoint, refuse, cluster.Reserved, ct),
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        EnableMultipleHttp2Connections = true,
        ConnectTimeout = cluster.ConnectTimeout,
        PooledConnectionIdleTimeout = cluster.IdleTimeout,
        // The proxy forwards trace headers as received; it must not inject its own.
        ActivityHeadersPropagator = null,
    }, disposeHandler: true);

    private static async ValueTask<Stream> ConnectAsync(DnsEndPoint target, OwnSockets refuse, ReservedDestinations reserved, CancellationToken ct) =>
        new System.Net.Sockets.NetworkStream(await EndpointDialer.ConnectAsync(target.Host, target.Port, refuse, reserved, ct), ownsSocket: true);

    public void Dispose()
    {
        foreach (var (_, invoker) in _clients.Values) invoker.Dispose();
        _clients.Clear();
    }
}
