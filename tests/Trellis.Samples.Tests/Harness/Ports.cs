using System.Net;
using System.Net.Sockets;

namespace Trellis.Samples.Tests.Harness;

internal static class Ports
{
    /// <summary>A loopback port nothing listens on (bound, then released), for "backend is down" cases.</summary>
    public static int Closed()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
