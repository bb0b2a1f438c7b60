using System.Net;

namespace Trellis.Proxy.Clusters;

/// <summary>The loopback ports this proxy listens on. A passthrough (ORIGINAL_DST) destination can name any
/// address, including the proxy itself; connecting there would feed each request back in as a new one until
/// sockets run out, so such connections are refused.</summary>
internal sealed class OwnSockets
{
    private volatile int[] _listenerPorts = [];
    private volatile int _adminPort;

    public void SetListenerPorts(IEnumerable<int> ports) => _listenerPorts = ports.Distinct().ToArray();

    public void SetAdminPort(int port) => _adminPort = port;

    /// <summary>True when <paramref name="remote"/> is one of this proxy's own sockets.</summary>
    public bool IsOwn(EndPoint? remote)
    {
        if (remote is not IPEndPoint { } ip) return false;
        var address = ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address;
        if (!IPAddress.IsLoopback(address) && !address.Equals(IPAddress.Any) && !address.Equals(IPAddress.IPv6Any)) return false;
        return ip.Port == _adminPort || Array.IndexOf(_listenerPorts, ip.Port) >= 0;
    }
}

/// <summary>A connection refused because it would have led back into this proxy.</summary>
internal sealed class SelfConnectionException(EndPoint remote)
    : IOException($"{remote} is one of this proxy's own sockets; forwarding there would loop");
