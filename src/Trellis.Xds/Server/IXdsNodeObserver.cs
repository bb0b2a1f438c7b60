namespace Trellis.Xds.Server;

/// <summary>Implemented by the control plane: told when a node connects (so it can compute that
/// node's snapshot before the first push) and when its last stream closes.</summary>
public interface IXdsNodeObserver
{
    /// <summary>A node opened its first stream; set its snapshot in the cache before completing. Many nodes connect
    /// at once when the server (re)starts, so this may wait its turn instead of computing every snapshot at once.</summary>
    ValueTask OnConnectedAsync(NodeInfo node, CancellationToken ct);

    /// <summary>The node's last stream closed.</summary>
    void OnDisconnected(NodeInfo node);
}
