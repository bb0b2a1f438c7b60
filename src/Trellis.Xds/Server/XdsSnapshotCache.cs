using System.Collections.Concurrent;

namespace Trellis.Xds.Server;

/// <summary>The latest snapshot of every node; setting one wakes that node's streams at once.</summary>
public sealed class XdsSnapshotCache
{
    private readonly ConcurrentDictionary<string, XdsSnapshot> _snapshots = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ImmutableWatchers> _watchers = new(StringComparer.Ordinal);

    /// <summary>Replaces a node's snapshot and notifies its streams, unless the snapshot held has the same version of
    /// every type. After a change most nodes' recomputed snapshots are such: kept out, they are collected young instead
    /// of replacing snapshots that have grown old (bench/cp-scale), and the node's streams are not woken for nothing.</summary>
    public void SetSnapshot(string nodeId, XdsSnapshot snapshot)
    {
        if (_snapshots.TryGetValue(nodeId, out var held) && held.SameVersions(snapshot)) return;
        _snapshots[nodeId] = snapshot;
        if (_watchers.TryGetValue(nodeId, out var watchers))
            foreach (var w in watchers.Items) w();
    }

    /// <summary>The node's snapshot, if the control plane computed one.</summary>
    public bool TryGet(string nodeId, out XdsSnapshot snapshot) => _snapshots.TryGetValue(nodeId, out snapshot!);

    /// <summary>Forgets a node.</summary>
    public void Remove(string nodeId) => _snapshots.TryRemove(nodeId, out _);

    /// <summary>How many node ids have streams watching them.</summary>
    internal int WatchedNodes => _watchers.Count;

    internal IDisposable Watch(string nodeId, Action changed)
    {
        _watchers.AddOrUpdate(nodeId, _ => new ImmutableWatchers([changed]), (_, w) => new ImmutableWatchers([.. w.Items, changed]));
        return new Unwatch(() => Forget(nodeId, changed));
    }

    /// <summary>Removes a watcher, and the node's entry with its last one: node ids are the clients' to choose, and an
    /// entry left behind by every id that ever connected would grow without end.</summary>
    private void Forget(string nodeId, Action changed)
    {
        while (_watchers.TryGetValue(nodeId, out var current))
        {
            var rest = current.Items.Where(x => x != changed).ToArray();
            if (rest.Length == 0 ? _watchers.TryRemove(KeyValuePair.Create(nodeId, current)) : _watchers.TryUpdate(nodeId, new ImmutableWatchers(rest), current))
                return;
        }
    }

    private sealed record ImmutableWatchers(Action[] Items);

    private sealed class Unwatch(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
