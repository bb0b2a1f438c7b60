using System.Collections.Concurrent;

namespace Trellis.Xds.Server;

/// <summary>What each connected proxy was sent and what it acknowledged or rejected: the data behind
/// `trellis proxy-status`.</summary>
public sealed class XdsConnectionRegistry
{
    private readonly ConcurrentDictionary<string, NodeEntry> _nodes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _pushes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _rejects = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Responses sent since start, by type URL (istiod's pilot_xds_pushes).</summary>
    public IReadOnlyDictionary<string, long> Pushes => _pushes;

    /// <summary>Responses proxies rejected since start, by type URL (istiod's pilot_total_xds_rejects).</summary>
    public IReadOnlyDictionary<string, long> Rejects => _rejects;

    /// <summary>An immutable view of every connected node.</summary>
    public IReadOnlyList<NodeStatus> Snapshot() =>
        _nodes.Values.Select(n => n.ToStatus()).OrderBy(n => n.Node.Id, StringComparer.Ordinal).ToList();

    internal int Connect(NodeInfo node)
    {
        // Connect and Disconnect of one node id race when a proxy reconnects quickly; a lock keeps
        // the stream count and the entry's presence consistent.
        lock (_gate)
        {
            var entry = _nodes.AddOrUpdate(node.Id, _ => new NodeEntry(node), (_, e) => e.With(node));
            return ++entry.Streams;
        }
    }

    /// <summary>Returns true when this was the node's last stream.</summary>
    internal bool Disconnect(string nodeId)
    {
        lock (_gate)
        {
            if (!_nodes.TryGetValue(nodeId, out var entry)) return true;
            if (--entry.Streams > 0) return false;
            _nodes.TryRemove(nodeId, out _);
            return true;
        }
    }

    internal void Sent(string nodeId, string typeUrl, string version, string nonce, SentSize size)
    {
        _pushes.AddOrUpdate(typeUrl, 1, (_, n) => n + 1);
        Update(nodeId, typeUrl, s => s with { SentVersion = version, SentNonce = nonce, SentAt = DateTimeOffset.UtcNow, SentSize = size });
    }

    internal void Acked(string nodeId, string typeUrl, string version) =>
        Update(nodeId, typeUrl, s => s with { AckedVersion = version, AckedAt = DateTimeOffset.UtcNow });

    internal void Nacked(string nodeId, string typeUrl, string version, string error)
    {
        _rejects.AddOrUpdate(typeUrl, 1, (_, n) => n + 1);
        Update(nodeId, typeUrl, s => s with { NackedVersion = version, NackError = error, NackedAt = DateTimeOffset.UtcNow });
    }

    private void Update(string nodeId, string typeUrl, Func<TypeStatus, TypeStatus> change)
    {
        if (!_nodes.TryGetValue(nodeId, out var entry)) return;
        entry.Types.AddOrUpdate(typeUrl, _ => change(new TypeStatus(typeUrl)), (_, s) => change(s));
    }

    private sealed class NodeEntry(NodeInfo node)
    {
        public int Streams;
        public NodeInfo Node { get; private set; } = node;
        public DateTimeOffset ConnectedAt { get; } = DateTimeOffset.UtcNow;
        public ConcurrentDictionary<string, TypeStatus> Types { get; } = new(StringComparer.Ordinal);

        public NodeEntry With(NodeInfo node)
        {
            Node = node;
            return this;
        }

        public NodeStatus ToStatus() => new(Node, ConnectedAt,
            Types.Values.OrderBy(t => TypeUrls.ShortName(t.TypeUrl), StringComparer.Ordinal).ToList());
    }
}

/// <summary>One connected node and its per-type sync state.</summary>
public sealed record NodeStatus(NodeInfo Node, DateTimeOffset ConnectedAt, IReadOnlyList<TypeStatus> Types);

/// <summary>Sent, acknowledged and rejected versions of one resource type for one node.</summary>
public sealed record TypeStatus(string TypeUrl)
{
    /// <summary>Last version pushed.</summary>
    public string? SentVersion { get; init; }

    /// <summary>Nonce of the last push.</summary>
    public string? SentNonce { get; init; }

    /// <summary>When it was pushed.</summary>
    public DateTimeOffset? SentAt { get; init; }

    /// <summary>How many resources the last push held and their encoded size.</summary>
    public SentSize? SentSize { get; init; }

    /// <summary>Last version the node accepted.</summary>
    public string? AckedVersion { get; init; }

    /// <summary>When it accepted it.</summary>
    public DateTimeOffset? AckedAt { get; init; }

    /// <summary>Last version the node rejected.</summary>
    public string? NackedVersion { get; init; }

    /// <summary>Why the node rejected it.</summary>
    public string? NackError { get; init; }

    /// <summary>When it rejected it.</summary>
    public DateTimeOffset? NackedAt { get; init; }
}

/// <summary>The resources of one push: how many, and their encoded bytes (the size of the config a proxy holds).</summary>
public sealed record SentSize(int Resources, long Bytes);
