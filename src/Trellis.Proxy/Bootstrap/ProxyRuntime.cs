using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Trellis.Proxy.Admin;
using Trellis.Proxy.Clusters;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Forwarding;
using Trellis.Proxy.HttpFilters;
using Trellis.Proxy.Listeners;
using Trellis.Proxy.Telemetry;
using Trellis.Proxy.Tunnels;
using Trellis.Proxy.Xds;
using Yarp.ReverseProxy.Forwarder;

namespace Trellis.Proxy.Bootstrap;

/// <summary>The proxy's parts wired together, without the xDS connection: the handler the ADS client
/// (or a test) feeds, the listeners it binds and the admin endpoint.</summary>
internal sealed class ProxyRuntime : IAsyncDisposable
{
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(5);

    private readonly OwnSockets _ownSockets = new();
    private readonly UpstreamClientPool _pool;
    private readonly ListenerManager _listeners;
    private readonly CancellationTokenSource _quit = new();

    public SnapshotHolder Snapshots { get; } = new();
    public MetricRegistry Metrics { get; } = new();
    public IstioMetrics IstioMetrics { get; }
    public XdsConfigHandler Handler { get; }
    public AdminServer Admin { get; }
    public OwnIdentity Identity { get; }

    /// <summary>Cancelled when POST /quitquitquit asks the proxy to exit.</summary>
    public CancellationToken QuitRequested => _quit.Token;

    public ProxyRuntime(ProxyOptions options, ILoggerFactory? loggers = null)
        : this(OwnIdentity.From(options), options.AdminToken, loggers)
    {
    }

    /// <summary>A runtime for a proxy whose identity does not come from command-line options (an Envoy bootstrap's node).</summary>
    public ProxyRuntime(OwnIdentity identity, string? adminToken, ILoggerFactory? loggers = null)
    {
        loggers ??= NullLoggerFactory.Instance;
        _pool = new UpstreamClientPool(TimeSpan.FromSeconds(30), _ownSockets);
        Identity = identity;
        IstioMetrics = new IstioMetrics(Metrics, Identity);
        var forwarder = new UpstreamForwarder(ForwarderFactory.Create(loggers), Identity);
        var filters = new HttpFilterRegistry(new RouterFilter(forwarder));
        var replies = new LocalReplyLog(loggers.CreateLogger("Trellis.Proxy.LocalReply"));
        var manager = new ConnectionManager(Snapshots, filters, IstioMetrics, replies);
        _listeners = new ListenerManager(manager, new ConnectTunnel(Snapshots, Identity, _ownSockets, IstioMetrics, replies), _ownSockets, loggers, Drain);
        Handler = new XdsConfigHandler(Snapshots, new SnapshotCompiler(_pool), _listeners, loggers.CreateLogger("Trellis.Proxy.Xds"));
        Admin = new AdminServer(Snapshots, () => Handler.IsReady, Metrics, identity.NodeId, () => _quit.Cancel(), new AdminToken(adminToken));
    }

    public async Task StartAdminAsync(int port, CancellationToken ct)
    {
        await Admin.StartAsync(port, ct);
        _ownSockets.SetAdminPort(Admin.Port);
    }

    public async ValueTask DisposeAsync()
    {
        await _listeners.DisposeAsync();
        await Admin.DisposeAsync();
        _pool.Dispose();
        _quit.Dispose();
    }
}
