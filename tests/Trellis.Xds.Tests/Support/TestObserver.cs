using System.Collections.Concurrent;
using Trellis.Xds.Server;

namespace Trellis.Xds.Tests.Support;

/// <summary>Plays the control plane: sets a node's snapshot when it connects and records every call.</summary>
internal sealed class TestObserver(XdsSnapshotCache cache, Func<NodeInfo, XdsSnapshot?> snapshotFor, ConcurrentQueue<string> events) : IXdsNodeObserver
{
    public ValueTask OnConnectedAsync(NodeInfo node, CancellationToken ct)
    {
        events.Enqueue($"connected {node.Id}");
        if (snapshotFor(node) is { } snapshot) cache.SetSnapshot(node.Id, snapshot);
        return ValueTask.CompletedTask;
    }

    public void OnDisconnected(NodeInfo node) => events.Enqueue($"disconnected {node.Id}");
}
