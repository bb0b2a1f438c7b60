using System.Net;
using System.Net.Sockets;
using Envoy.Config.Cluster.V3;
using Trellis.Proxy.Clusters;
using Trellis.Proxy.Outbound.Endpoint;
using Trellis.Proxy.Secrets;
using static Trellis.Proxy.Tests.Support.Envoy;

namespace Trellis.Proxy.Tests.Outbound.Endpoint;

/// <summary>A cluster's upstream_connection_options.tcp_keepalive reaches the sockets it dials (a DestinationRule's
/// tcpKeepalive): keepalive on, with the probes, idle time and interval it names.</summary>
public sealed class TcpKeepaliveTests
{
    private static async Task<Socket> DialAsync(Cluster cluster, TcpListener app)
    {
        var model = ClusterCompiler.Compile(cluster, new SecretStore());
        var endpoint = new EndpointModel("127.0.0.1", ((IPEndPoint)app.LocalEndpoint).Port, true, 1, null);
        var connection = await new EndpointDialer(new OwnSockets()).DialAsync(endpoint, model, CancellationToken.None);
        return connection.Socket;
    }

    [Fact]
    public async Task The_clusters_keepalive_settings_are_set_on_its_sockets()
    {
        using var app = new TcpListener(IPAddress.Loopback, 0);
        app.Start();
        var cluster = Eds("db");
        cluster.UpstreamConnectionOptions = new UpstreamConnectionOptions
        {
            TcpKeepalive = new Envoy.Config.Core.V3.TcpKeepalive { KeepaliveProbes = 3, KeepaliveTime = 600, KeepaliveInterval = 30 },
        };

        using var socket = await DialAsync(cluster, app);

        Assert.Equal(1, (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)!);
        Assert.Equal(3, (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount)!);
        Assert.Equal(600, (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime)!);
        Assert.Equal(30, (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval)!);
    }

    [Fact]
    public async Task Without_the_option_keepalive_stays_off()
    {
        using var app = new TcpListener(IPAddress.Loopback, 0);
        app.Start();

        using var socket = await DialAsync(Eds("db"), app);

        Assert.Equal(0, (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)!);
    }
}
