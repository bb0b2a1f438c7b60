using Microsoft.Extensions.Logging;
using Trellis.Proxy.Clusters;
using Trellis.Proxy.Listeners.TcpProxy;
using Trellis.Proxy.Tunnels;

namespace Trellis.Proxy.Listeners;

/// <summary>Keeps one bound <see cref="ListenerServer"/> per configured socket: binds new listeners
/// first and only then drains removed ones, so an update never leaves a port unserved.</summary>
internal sealed class ListenerManager(ConnectionManager manager, ConnectTunnel tunnel, TcpProxyHandler tcpProxy, OwnSockets ownSockets, ILoggerFactory loggers, TimeSpan drain) : IAsyncDisposable
{
    private readonly Dictionary<string, ListenerServer> _servers = new(StringComparer.Ordinal);
    private readonly List<Task> _draining = [];
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ILogger _log = loggers.CreateLogger("Trellis.Proxy.Listeners");

    public IReadOnlyCollection<string> Bound
    {
        get
        {
            lock (_servers) return _servers.Values.Select(s => s.Name).ToArray();
        }
    }

    /// <summary>Makes the bound sockets match <paramref name="wanted"/>; returns null, or why a socket
    /// could not be bound (in which case nothing changed).</summary>
    public async Task<string?> ReconcileAsync(IReadOnlyCollection<ListenerModel> wanted, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var byKey = wanted.ToDictionary(l => l.BindKey, StringComparer.Ordinal);
            var started = new List<ListenerServer>();
            foreach (var model in wanted)
            {
                if (_servers.ContainsKey(model.BindKey)) continue;
                try
                {
                    started.Add(await ListenerServer.StartAsync(model, manager, tunnel, tcpProxy, loggers, ct));
                    _log.LogInformation("listener {Name} bound on {Address}", model.Name, model.BindKey);
                }
                catch (Exception e) when (e is IOException or InvalidOperationException or System.Net.Sockets.SocketException)
                {
                    foreach (var s in started)
                    {
                        await s.StopAsync(TimeSpan.Zero);
                        await s.DisposeAsync();
                    }
                    return $"listener \"{model.Name}\": cannot bind {model.BindKey}: {e.GetBaseException().Message}";
                }
            }
            lock (_servers)
            {
                foreach (var s in started) _servers[s.BindKey] = s;
                foreach (var key in _servers.Keys.Where(k => !byKey.ContainsKey(k)).ToArray())
                {
                    var removed = _servers[key];
                    _servers.Remove(key);
                    _log.LogInformation("listener {Name} on {Address} removed; draining", removed.Name, key);
                    _draining.Add(DrainAsync(removed));
                }
                foreach (var (key, server) in _servers) server.Name = byKey[key].Name;
                ownSockets.SetListeners(wanted);
            }
            return null;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task DrainAsync(ListenerServer server)
    {
        await server.StopAsync(drain);
        await server.DisposeAsync();
    }

    /// <summary>Stops every listener, letting in-flight requests finish within the drain period.</summary>
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        ListenerServer[] all;
        lock (_servers)
        {
            all = _servers.Values.ToArray();
            _servers.Clear();
        }
        await Task.WhenAll(all.Select(DrainAsync).Concat(_draining));
        _gate.Dispose();
    }
}
