using System.Net;
using Envoy.Config.Core.V3;
using Trellis.Proxy.Listeners;

namespace Trellis.Proxy.Clusters;

/// <summary>The loopback ports this proxy listens on. A passthrough (ORIGINAL_DST) destination can name any
/// address, including the proxy itself; connecting there would feed each request back in as a new one until
/// sockets run out, so such connections are refused. A cluster's own endpoints come from the control plane and
/// may be this proxy's inbound listener: a pod calling its own service goes out and back in through its own
/// sidecar, as in Istio, and the inbound side leads to the app, not around again.</summary>
internal sealed class OwnSockets
{
    private sealed record Ports(int[] Listeners, int[] Inbound);

    private volatile Ports _ports = new([], []);
    private volatile int _adminPort;

    public void SetListeners(IEnumerable<ListenerModel> listeners)
    {
        var bound = listeners.Where(l => !l.IsInternal).ToArray();
        _ports = new Ports(bound.Select(l => l.Port).Distinct().ToArray(),
            bound.Where(l => l.Direction == TrafficDirection.Inbound).Select(l => l.Port).Distinct().ToArray());
    }

    public void SetAdminPort(int port) => _adminPort = port;

    /// <summary>True when <paramref name="remote"/> is one of this proxy's own sockets; its inbound listeners count
    /// only when <paramref name="includingInbound"/> (for destinations the request named, not the control plane).</summary>
    public bool IsOwn(EndPoint? remote, bool includingInbound)
    {
        if (remote is not IPEndPoint { } ip) return false;
        var address = ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address;
        if (!IPAddress.IsLoopback(address) && !address.Equals(IPAddress.Any) && !address.Equals(IPAddress.IPv6Any)) return false;
        if (ip.Port == _adminPort) return true;
        var ports = _ports;
        return Array.IndexOf(ports.Listeners, ip.Port) >= 0 && (includingInbound || Array.IndexOf(ports.Inbound, ip.Port) < 0);
    }
}

/// <summary>A connection refused because it would have led back into this proxy.</summary>
internal sealed class SelfConnectionException(EndPoint remote)
    : IOException($"{remote} is one of this proxy's own sockets; forwarding there would loop");
