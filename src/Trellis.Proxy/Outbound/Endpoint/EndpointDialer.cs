using System.Net;
using System.Net.Sockets;
using Trellis.Proxy.Clusters;

namespace Trellis.Proxy.Outbound.Endpoint;

/// <summary>The one place the proxy opens a connection to an endpoint, for HTTP forwarding and tunnels alike:
/// a socket that reached the proxy's own sockets (a loop, see <see cref="OwnSockets"/>) or a port the cluster
/// reserves is closed before any byte is sent; the cluster's transport socket then wraps what remains.</summary>
internal sealed class EndpointDialer(OwnSockets own)
{
    /// <summary>A tunnel's connection to <paramref name="endpoint"/>, within the cluster's connect timeout
    /// (<see cref="OperationCanceledException"/> when it ran out, or <paramref name="ct"/> was cancelled).</summary>
    public async Task<UpstreamConnection> DialAsync(EndpointModel endpoint, ClusterModel cluster, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(cluster.ConnectTimeout);
        var socket = await ConnectAsync(endpoint.Host, endpoint.Port, cluster, cts.Token);
        try
        {
            return new UpstreamConnection(socket, await endpoint.SocketIn(cluster).ConnectAsync(socket, endpoint.Host, http2: false, cts.Token));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A connection of a cluster's HTTP pool (its SocketsHttpHandler's ConnectCallback, which applies the
    /// connect timeout), speaking <paramref name="transport"/>: the endpoint's matched socket, or the cluster's.</summary>
    public async ValueTask<Stream> ConnectAsync(DnsEndPoint target, ClusterModel cluster, IUpstreamTransportSocket transport, bool http2, CancellationToken ct)
    {
        var socket = await ConnectAsync(target.Host, target.Port, cluster, ct);
        try
        {
            return await transport.ConnectAsync(socket, target.Host, http2, ct);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task<Socket> ConnectAsync(string host, int port, ClusterModel cluster, CancellationToken ct)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            cluster.Keepalive?.Apply(socket);
            await socket.ConnectAsync(host, port, ct);
            if (own.IsOwn(socket.RemoteEndPoint, includingInbound: cluster.IsOriginalDestination))
                throw new SelfConnectionException(socket.RemoteEndPoint!);
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
