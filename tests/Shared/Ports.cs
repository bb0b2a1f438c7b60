using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Trellis.Testing;

/// <summary>Free loopback ports for tests; one source file, compiled into each test project that needs it.</summary>
internal static class Ports
{
    // The kernel may hand the same ephemeral port to two binds in a row once the first is closed, so a test that
    // asks for two ports could get one port twice; each port is handed out once per test process.
    private static readonly ConcurrentDictionary<int, bool> HandedOut = new();

    /// <summary>A loopback port that was free a moment ago and that no other caller in this process was given.</summary>
    public static int Free()
    {
        while (true)
        {
            using var socket = new TcpListener(IPAddress.Loopback, 0);
            socket.Start();
            var port = ((IPEndPoint)socket.LocalEndpoint).Port;
            if (HandedOut.TryAdd(port, true))
                return port;
        }
    }
}
