using System.Globalization;

namespace Trellis.ControlPlane.Mesh;

/// <summary>The loopback ports the mesh itself runs on, each with what it is: the control plane's API and xDS
/// ports, proxies' admin and outbound ports, and apps' own ports (reaching those would bypass their sidecar).
/// None of them is a mesh destination, so no outbound policy lets passthrough traffic reach them.</summary>
internal sealed class ReservedPorts
{
    public static readonly ReservedPorts None = new(new Dictionary<int, string>());

    public ReservedPorts(IReadOnlyDictionary<int, string> ports) => Ports = ports;

    /// <summary>Port → what it is, in words fit for a reason header.</summary>
    public IReadOnlyDictionary<int, string> Ports { get; }

    /// <summary>Ordered by port, so translated resources do not change when nothing did.</summary>
    public IEnumerable<KeyValuePair<int, string>> Ordered => Ports.OrderBy(p => p.Key);

    public static string Key(int port) => port.ToString(CultureInfo.InvariantCulture);
}
