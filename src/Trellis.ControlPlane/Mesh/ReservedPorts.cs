namespace Trellis.ControlPlane.Mesh;

/// <summary>The loopback ports the mesh itself runs on, each with what it is: the control plane's API and xDS
/// ports, proxies' admin and outbound ports, and apps' own ports (reaching those would bypass their sidecar).
/// None of them is a mesh destination, so no outbound policy lets passthrough traffic reach them.</summary>
internal sealed class ReservedPorts
{
    public static readonly ReservedPorts None = new(new Dictionary<int, string>());

    /// <param name="ports">The control plane's own ports.</param>
    /// <param name="podPorts">Pods' and proxies' ports: there are several per pod, so route tables refuse them together.</param>
    public ReservedPorts(IReadOnlyDictionary<int, string> ports, IReadOnlyDictionary<int, string>? podPorts = null)
    {
        ControlPlane = ports;
        Pods = podPorts ?? new Dictionary<int, string>();
        var all = new Dictionary<int, string>(ports);
        foreach (var (port, what) in Pods) all.TryAdd(port, what);
        Ports = all;
    }

    /// <summary>Port → what it is, in words fit for a reason header.</summary>
    public IReadOnlyDictionary<int, string> Ports { get; }

    /// <summary>The control plane's ports, ordered by port, so translated resources do not change when nothing did.</summary>
    public IEnumerable<KeyValuePair<int, string>> ControlPlaneOrdered => ControlPlane.OrderBy(p => p.Key);

    /// <summary>Pods' and proxies' ports (not the control plane's), ordered by port.</summary>
    public IEnumerable<int> PodPortsOrdered => Pods.Keys.Where(p => !ControlPlane.ContainsKey(p)).Order();

    /// <summary>Every port, ordered by port.</summary>
    public IEnumerable<KeyValuePair<int, string>> Ordered => Ports.OrderBy(p => p.Key);

    private IReadOnlyDictionary<int, string> ControlPlane { get; }

    private IReadOnlyDictionary<int, string> Pods { get; }
}
