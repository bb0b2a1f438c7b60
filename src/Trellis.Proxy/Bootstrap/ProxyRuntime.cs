using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Trellis.Proxy.AccessLogs;
using Trellis.Proxy.Admin;
using Trellis.Proxy.Clusters;
using Trellis.Proxy.Completion;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Forwarding;
using Trellis.Proxy.HttpFilters;
using Trellis.Proxy.Identity;
using Trellis.Proxy.Listeners;
using Trellis.Proxy.Listeners.TcpProxy;
using Trellis.Proxy.Outbound.Endpoint;
using Trellis.Proxy.Telemetry;
using Trellis.Proxy.Tracing;
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
    private readonly ClusterRegistry _clusters;
    private readonly ListenerManager _listeners;
    private readonly CancellationTokenSource _quit = new();
    private readonly TraceExporters _traces;

    public SnapshotHolder Snapshots { get; } = new();
    public MetricRegistry Metrics { get; } = new();
    public IstioMetrics IstioMetrics { get; }
    public AccessLogSinks AccessLogs { get; }
    public XdsConfigHandler Handler { get; }
    public AdminServer Admin { get; }
    public OwnIdentity Identity { get; }

    /// <summary>The TLS secrets listeners and clusters name (see <see cref="Secrets.SecretStore"/>).</summary>
    public Secrets.SecretStore Secrets { get; }

    /// <summary>Obtains and renews this proxy's workload certificate; null when the proxy runs without a pod token.</summary>
    public WorkloadCertificateAgent? CertificateAgent { get; private set; }

    /// <summary>The levels of the loggers this proxy's logger factory was created with, which the admin's /logging changes.</summary>
    public LogLevels? LogLevels
    {
        get => Admin.LogLevels;
        init => Admin.LogLevels = value;
    }

    /// <summary>Cancelled when POST /quitquitquit asks the proxy to exit.</summary>
    public CancellationToken QuitRequested => _quit.Token;

    /// <param name="accessLogCapacity">Lines each access-log sink queues before it drops.</param>
    public ProxyRuntime(ProxyOptions options, ILoggerFactory? loggers = null, int accessLogCapacity = AccessLogSinks.DefaultCapacity)
        : this(OwnIdentity.From(options), options.AdminToken, loggers, accessLogCapacity)
    {
        if (options.AppMetrics is { } app) Admin.AppMetrics = new Telemetry.Merging.AppMetricsScraper(app, Metrics);
    }

    /// <summary>A runtime for a proxy whose identity does not come from command-line options (an Envoy bootstrap's node).</summary>
    /// <param name="accessLogCapacity">Lines each access-log sink queues before it drops.</param>
    public ProxyRuntime(OwnIdentity identity, string? adminToken, ILoggerFactory? loggers = null, int accessLogCapacity = AccessLogSinks.DefaultCapacity)
    {
        loggers ??= NullLoggerFactory.Instance;
        Identity = identity;
        _traces = new TraceExporters($"{identity.Workload.CanonicalService}.{identity.Workload.Namespace}");
        Secrets = new Secrets.SecretStore(loggers.CreateLogger("Trellis.Proxy.Secrets"));
        IstioMetrics = new IstioMetrics(Metrics, Identity);
        var forwarder = new UpstreamForwarder(ForwarderFactory.Create(loggers), Identity);
        var filters = new HttpFilterChains(new HttpFilterServices(forwarder));
        var replies = new LocalReplyLog(loggers.CreateLogger("Trellis.Proxy.LocalReply"));
        AccessLogs = new AccessLogSinks(Metrics, loggers.CreateLogger("Trellis.Proxy.AccessLog"), accessLogCapacity);
        var completions = new CompletionObservers([IstioMetrics, new FailureReasons(Metrics, Identity), replies, new AccessLogObserver(AccessLogs), new SpanCompleter(Identity)]);
        var manager = new ConnectionManager(Snapshots, filters, completions, new RequestTracer(_traces));
        var dialer = new EndpointDialer(_ownSockets);
        _clusters = new ClusterRegistry(new UpstreamHttpClients(dialer, TimeSpan.FromSeconds(30)), Metrics.Add(ClusterRegistry.ConnectionOverflowCounter()));
        _listeners = new ListenerManager(manager, new ConnectTunnel(Snapshots, Identity, dialer, completions),
            new TcpProxyHandler(Snapshots, Identity, dialer, completions, loggers.CreateLogger("Trellis.Proxy.TcpProxy")), _ownSockets, loggers, Drain);
        Handler = new XdsConfigHandler(Snapshots, new SnapshotCompiler(_clusters, Secrets), _listeners, loggers.CreateLogger("Trellis.Proxy.Xds"), secrets: Secrets);
        // A proxy with an identity is not ready until it holds a valid certificate (Envoy's listeners wait for
        // their SDS secrets the same way).
        Admin = new AdminServer(Snapshots, () => Handler.IsReady && (CertificateAgent?.HasCertificate ?? true), Metrics, identity.NodeId, () => _quit.Cancel(), new AdminToken(adminToken))
        {
            Secrets = Secrets,
        };
    }

    /// <summary>Starts <paramref name="agent"/> publishing into <see cref="Secrets"/>; the caller disposes it.</summary>
    public WorkloadCertificateAgent StartCertificateAgent(WorkloadCertificateAgent agent)
    {
        CertificateAgent = agent;
        agent.Start();
        return agent;
    }

    public async Task StartAdminAsync(int port, CancellationToken ct)
    {
        await Admin.StartAsync(port, ct);
        _ownSockets.SetAdminPort(Admin.Port);
    }

    public async ValueTask DisposeAsync()
    {
        await _listeners.DisposeAsync();
        _traces.Dispose();
        await AccessLogs.DisposeAsync();
        await Admin.DisposeAsync();
        _clusters.Dispose();
        _quit.Dispose();
    }
}
