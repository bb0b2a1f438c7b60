using System.Net.Sockets;

namespace Trellis.Proxy.Clusters;

/// <summary>The one place the proxy opens a TCP connection to an endpoint, for HTTP forwarding and tunnels
/// alike: a socket that reached the proxy's own listeners (a loop) or a port the cluster reserves is closed
/// before any byte is sent.</summary>
internal static class EndpointDialer
{
    /// <summary>A tunnel's connection to <paramref name="endpoint"/>, within the cluster's connect timeout.</summary>
    public static async Task<Socket> ConnectAsync(EndpointModel endpoint, ClusterModel cluster, OwnSockets own, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(cluster.ConnectTimeout);
        return await ConnectAsync(endpoint.Host, endpoint.Port, own, cluster.Reserved, cts.Token);
    }

    public static async Task<Socket> ConnectAsync(string host, int port, OwnSockets own, ReservedDestinations reserved, CancellationToken ct)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, ct);
            if (own.IsOwn(socket.RemoteEndPoint)) throw new SelfConnectionException(socket.RemoteEndPoint!);
            reserved.Check(socket);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
