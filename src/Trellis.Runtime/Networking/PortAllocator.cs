using System.Net;
using System.Net.Sockets;

namespace Trellis.Runtime;

/// <summary>Hands out free loopback TCP ports, never the same one twice, so pods on one machine don't collide.</summary>
public sealed class PortAllocator
{
    private readonly HashSet<int> _handedOut = [];
    private readonly object _gate = new();

    /// <summary>A port the kernel reports free on 127.0.0.1 and that this allocator has not handed out before.</summary>
    public int Allocate()
    {
        lock (_gate)
        {
            while (true)
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                var port = ((IPEndPoint)socket.LocalEndPoint!).Port;
                if (_handedOut.Add(port)) return port;
            }
        }
    }

    /// <summary>Claims a port the user asked for; throws <see cref="InvalidOperationException"/> when it is taken.</summary>
    public int Reserve(int port)
    {
        lock (_gate)
        {
            if (_handedOut.Contains(port) || !CanBind(port))
                throw new InvalidOperationException($"port {port} is already in use");
            _handedOut.Add(port);
            return port;
        }
    }

    private static bool CanBind(int port)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            // Like Kestrel: lingering TIME_WAIT connections must not count as "in use"; a listener still does on Linux.
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            socket.Listen();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
