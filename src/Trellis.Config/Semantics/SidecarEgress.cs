using Trellis.Config.Model.Networking;

namespace Trellis.Config.Semantics;

/// <summary>What the egress listeners of a Sidecar import, as istiod scopes a sidecar: on each port the listener for
/// that port decides, else the catch-all listener (the one without a port). A Sidecar without egress, and a workload
/// without a Sidecar, import every host exported to the workload's namespace (<c>*/*</c>). A Unix domain socket
/// listener (port 0) decides for no destination port: only apps writing to its socket reach its hosts.</summary>
public sealed class SidecarEgress
{
    public static readonly SidecarEgress Everything = new([new SidecarEgressListener(null, true, false, [new SidecarEgressHost(false, ExportTo.Public, "*")])]);

    private SidecarEgress(IReadOnlyList<SidecarEgressListener> listeners) => Listeners = listeners;

    public IReadOnlyList<SidecarEgressListener> Listeners { get; }

    public static SidecarEgress Of(SidecarSpec spec) =>
        spec.Egress is not { Count: > 0 } egress
            ? Everything
            : new SidecarEgress(egress.Select(e => new SidecarEgressListener(e.Port?.Number is > 0 and var number ? number : null, e.Port is null,
                PortMatched(e.Port), (e.Hosts ?? []).Select(SidecarEgressHost.Parse).OfType<SidecarEgressHost>().ToList())).ToList());

    /// <summary>The listener that decides what a port reaches, as istiod's GetEgressListenerForRDS: the one declaring
    /// that port, else the catch-all; null when every listener is bound to another port (or socket).</summary>
    public SidecarEgressListener? ListenerFor(int port) =>
        Listeners.FirstOrDefault(l => l.Port == port) ?? Listeners.FirstOrDefault(l => l.CatchAll);

    /// <summary>True when the workload may reach <paramref name="hostname"/> of <paramref name="hostNamespace"/> on <paramref name="port"/>.</summary>
    public bool Imports(string hostNamespace, string hostname, int port, string sidecarNamespace) =>
        ListenerFor(port)?.Imports(hostNamespace, hostname, sidecarNamespace) == true;

    // As istiod's needsPortMatch: port 0 (a Unix socket) and HTTP_PROXY listeners serve every destination port.
    private static bool PortMatched(SidecarPort? port) =>
        port?.Number is > 0 && !string.Equals(port.Protocol, "HTTP_PROXY", StringComparison.OrdinalIgnoreCase);
}

/// <summary>One egress listener and its host entries.</summary>
/// <param name="Port">The port it declares; null for the catch-all and for a Unix domain socket listener (port 0).</param>
/// <param name="CatchAll">It declares no port, so it decides for every port no other listener declares.</param>
/// <param name="PortMatched">It imports only its port of the services it imports (istiod's needsPortMatch); an
/// HTTP_PROXY or Unix socket listener, and the catch-all, import every port.</param>
public sealed record SidecarEgressListener(int? Port, bool CatchAll, bool PortMatched, IReadOnlyList<SidecarEgressHost> Hosts)
{
    /// <summary>A host is imported when some entry imports it and no entry excludes it.</summary>
    public bool Imports(string hostNamespace, string hostname, string sidecarNamespace) =>
        Hosts.Any(h => !h.Excludes && h.InNamespace(hostNamespace, sidecarNamespace) && h.Covers(hostname))
        && !Excluded(hostNamespace, hostname, sidecarNamespace);

    /// <summary>As istiod's SelectVirtualServices: a VirtualService is imported when one of its hosts (FQDNs) overlaps an
    /// entry for its namespace and is not excluded.</summary>
    public bool ImportsVirtualService(string vsNamespace, IEnumerable<string> hosts, string sidecarNamespace) =>
        hosts.Any(host => Hosts.Any(h => !h.Excludes && h.InNamespace(vsNamespace, sidecarNamespace) && h.Overlaps(host))
                          && !Excluded(vsNamespace, host, sidecarNamespace));

    private bool Excluded(string hostNamespace, string hostname, string sidecarNamespace) =>
        Hosts.Any(h => h.Excludes && h.InNamespace(hostNamespace, sidecarNamespace) && h.Covers(hostname));
}
