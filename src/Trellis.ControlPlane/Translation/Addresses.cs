using Envoy.Config.Core.V3;

namespace Trellis.ControlPlane.Translation;

/// <summary>Socket addresses; local mode puts every pod on loopback.</summary>
internal static class Addresses
{
    public static Address Loopback(int port) => Socket("127.0.0.1", port);

    public static Address Socket(string ip, int port) => new()
    {
        SocketAddress = new SocketAddress { Address = ip, PortValue = (uint)port, Protocol = SocketAddress.Types.Protocol.Tcp },
    };
}
