using System.Net.Sockets;
using Trellis.Proxy.Clusters;

namespace Trellis.Proxy.Tunnels;

/// <summary>Opens the TCP connection of a tunnel to an endpoint, within the cluster's connect timeout,
/// never to the proxy's own sockets nor to a port the cluster reserves.</summary>
internal static class UpstreamDialer
{
    public static async Task<Socket> ConnectAsync(EndpointModel endpoint, ClusterModel cluster, OwnSockets own, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(cluster.ConnectTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint.Host, endpoint.Port, cts.Token);
            if (own.IsOwn(socket.RemoteEndPoint)) throw new SelfConnectionException(socket.RemoteEndPoint!);
            cluster.Reserved.Check(socket);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
