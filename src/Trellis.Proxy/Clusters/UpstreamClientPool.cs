using System.Collections.Concurrent;
using System.Net;

namespace Trellis.Proxy.Clusters;

/// <summary>One pooled <see cref="HttpMessageInvoker"/> per cluster, kept across snapshots while the
/// cluster's connection settings are unchanged; retired invokers are disposed after a grace period
/// so requests still using them can finish.</summary>
internal sealed class UpstreamClientPool(TimeSpan retireAfter) : IDisposable
{
    private readonly ConcurrentDictionary<string, (object Key, HttpMessageInvoker Invoker)> _clients = new(StringComparer.Ordinal);

    public HttpMessageInvoker Get(ClusterModel cluster)
    {
        object key = cluster.PoolKey;
        if (_clients.TryGetValue(cluster.Name, out var existing) && existing.Key.Equals(key)) return existing.Invoker;
        var created = Create(cluster.ConnectTimeout);
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

    public static HttpMessageInvoker Create(TimeSpan connectTimeout) => new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        EnableMultipleHttp2Connections = true,
        ConnectTimeout = connectTimeout,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        // The proxy forwards trace headers as received; it must not inject its own.
        ActivityHeadersPropagator = null,
    }, disposeHandler: true);

    public void Dispose()
    {
        foreach (var (_, invoker) in _clients.Values) invoker.Dispose();
        _clients.Clear();
    }
}
