using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Trellis.ControlPlane.Inputs;
using Trellis.ControlPlane.Jwks;
using Trellis.ControlPlane.Mesh;
using Trellis.ControlPlane.Translation;
using Trellis.ControlPlane.Translation.RequestAuthn;
using Trellis.Xds;
using Trellis.Xds.Server;

namespace Trellis.ControlPlane.Push;

/// <summary>Keeps every connected proxy's xDS snapshot in step with the config source and the workload source.
/// Changes are coalesced: a burst of edits costs one recomputation, pushed to all proxies at once.</summary>
internal sealed class PushCoordinator : IXdsNodeObserver, IAsyncDisposable
{
    private readonly IConfigSource _config;
    private readonly IWorkloadSource _workloads;
    private readonly XdsSnapshotCache _cache;
    private readonly ILogger _logger;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _problems = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ProxyNode> _nodes = new();
    private readonly Channel<bool> _triggers = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Task _loop;
    private readonly SemaphoreSlim _firstPushes = new(Environment.ProcessorCount);
    private Computed _current;

    private readonly ControlPlaneOptions _options;

    private readonly JwksFetcher? _jwks;

    public PushCoordinator(IConfigSource config, IWorkloadSource workloads, XdsSnapshotCache cache, ControlPlaneOptions options, ILogger<PushCoordinator> logger,
        JwksFetcher? jwks = null)
    {
        _jwks = jwks;
        _options = options;
        _config = config;
        _workloads = workloads;
        _cache = cache;
        _logger = logger;
        _current = Compute();
        config.Changed += Trigger;
        workloads.Changed += Trigger;
        if (jwks is not null) jwks.Changed += Trigger;
        _loop = Task.Run(LoopAsync);
    }

    public int ConnectedProxies => _nodes.Count;

    /// <summary>What was left out of a proxy's configuration, or is refused there, and why (empty when nothing).</summary>
    public IReadOnlyList<string> ProblemsOf(string nodeId) =>
        _problems.TryGetValue(nodeId, out var text) && text.Length > 0 ? text.Split('\n') : [];

    public async ValueTask OnConnectedAsync(NodeInfo node, CancellationToken ct)
    {
        var proxy = ProxyNode.From(node.Id, node.Metadata, node.Labels);
        _nodes[proxy.Id] = proxy;
        // A proxy that brings an admin port the mesh did not know of (the gateway's) changes every sidecar's passthrough guard.
        if (proxy.Port(ProxyNode.AdminPortKey) is { } admin && !Volatile.Read(ref _current).Model.Reserved.Ports.ContainsKey(admin)) Trigger();
        // When a restarted control plane is reconnected by every proxy at once, computing all their configurations at
        // once holds all of them half-built in memory and finishes none; a few at a time, each finishes and is sent.
        await _firstPushes.WaitAsync(ct);
        try
        {
            Computed current;
            do
            {
                current = Volatile.Read(ref _current);
                Push(proxy, current);
            }
            // A recomputation that landed meanwhile may have pushed this node before this older snapshot replaced it.
            while (!ReferenceEquals(current, Volatile.Read(ref _current)));
        }
        finally
        {
            _firstPushes.Release();
        }
    }

    public void OnDisconnected(NodeInfo node)
    {
        _nodes.TryRemove(node.Id, out _);
        _problems.TryRemove(node.Id, out _);
    }

    private void Trigger() => _triggers.Writer.TryWrite(true);

    private async Task LoopAsync()
    {
        await foreach (var _ in _triggers.Reader.ReadAllAsync())
        {
            try
            {
                var previous = Volatile.Read(ref _current);
                var current = Compute();
                Volatile.Write(ref _current, current);
                // Every proxy is recomputed, as its own resources may have changed too; those whose shared clusters or
                // route table changed go first, so a change reaches the proxies it touches without waiting for the rest.
                var order = _nodes.Values.ToLookup(n => current.Outbound.SharedDigest(n) is { } digest && digest == previous.Outbound.SharedDigest(n));
                foreach (var node in order[false].Concat(order[true])) Push(node, current);
            }
            catch (Exception e)
            {
                // A translation bug must not stop future pushes; proxies keep their last config.
                _logger.LogError(e, "recomputing proxy configuration failed");
            }
        }
    }

    private Computed Compute()
    {
        _jwks?.Want(RequestAuthnFilters.Sources(_config.Resources));
        var model = new MeshModel(_config.Resources, _workloads.Workloads, _config.Version, Reserved()) { Jwks = _jwks ?? (IJwksLookup)NoJwksLookup.Instance, TraceReceiver = _options.ApiPort > 0 ? $"http://127.0.0.1:{_options.ApiPort}/v1/traces" : null };
        return new Computed(model, OutboundResources.For(model, _current?.Outbound));
    }

    private ReservedPorts Reserved()
    {
        var ports = new Dictionary<int, string>
        {
            [_options.ApiPort] = "the control plane's API port",
            [_options.XdsPort] = "the control plane's xDS port",
        };
        var podPorts = new Dictionary<int, string>(_workloads.PrivatePorts);
        foreach (var node in _nodes.Values)
            if (node.Port(ProxyNode.AdminPortKey) is { } admin) podPorts.TryAdd(admin, "a proxy's admin port");
        return new ReservedPorts(ports, podPorts);
    }

    private void Push(ProxyNode node, Computed current)
    {
        var resources = ProxyConfigBuilder.Build(current.Model, current.Outbound, node);
        _cache.SetSnapshot(node.Id, XdsSnapshotFactory.From(resources, current.Outbound.Interner));
        Report(node, resources.Problems);
    }

    /// <summary>Logs what was left out of a proxy's configuration, once per change, so an unserved gateway server is
    /// visible without repeating on every push.</summary>
    private void Report(ProxyNode node, IReadOnlyList<string> problems)
    {
        var text = string.Join("\n", problems);
        if (_problems.TryGetValue(node.Id, out var known) && known == text) return;
        _problems[node.Id] = text;
        foreach (var problem in problems) _logger.LogWarning("{Node}: {Problem}", node.Id, problem);
    }

    public async ValueTask DisposeAsync()
    {
        _config.Changed -= Trigger;
        _workloads.Changed -= Trigger;
        if (_jwks is not null) _jwks.Changed -= Trigger;
        _triggers.Writer.TryComplete();
        await _loop;
    }

    /// <summary>One mesh model and the resources its proxies share, swapped together.</summary>
    private sealed record Computed(MeshModel Model, OutboundResources Outbound);
}
