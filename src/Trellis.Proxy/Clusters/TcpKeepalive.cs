using System.Net.Sockets;

namespace Trellis.Proxy.Clusters;

/// <summary>upstream_connection_options.tcp_keepalive: the cluster's sockets probe an idle peer, so a connection to an
/// endpoint that vanished without a FIN is found dead. Unset fields keep the operating system's values.</summary>
internal sealed record TcpKeepalive(uint? Probes, uint? TimeSeconds, uint? IntervalSeconds)
{
    public static TcpKeepalive? From(Envoy.Config.Core.V3.TcpKeepalive? keepalive) => keepalive is null
        ? null
        : new TcpKeepalive(keepalive.KeepaliveProbes, keepalive.KeepaliveTime, keepalive.KeepaliveInterval);

    public void Apply(Socket socket)
    {
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        if (Probes is { } probes) socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, Clamp(probes, 127));
        if (TimeSeconds is { } time) socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, Clamp(time, 32767));
        if (IntervalSeconds is { } interval) socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, Clamp(interval, 32767));
    }

    // Linux refuses more than 127 probes and times above 32767 s, which the API allows.
    private static int Clamp(uint value, int most) => (int)Math.Clamp(value, 1, (uint)most);
}
