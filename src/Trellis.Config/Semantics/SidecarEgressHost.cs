namespace Trellis.Config.Semantics;

/// <summary>One entry of a Sidecar egress listener's hosts, <c>namespace/dnsName</c>: <c>*</c> is any namespace,
/// <c>.</c> the sidecar's own; a leading <c>~</c> makes the entry an exclusion, where a bare <c>~</c> stands for any
/// namespace (so <c>~/*</c> excludes everything). The dnsName is an FQDN, possibly with a leading wildcard label.</summary>
public sealed record SidecarEgressHost(bool Excludes, string Namespace, string DnsName)
{
    /// <summary>The entry, or null when it has no <c>/</c> (istiod skips such an entry; validation rejects it).</summary>
    public static SidecarEgressHost? Parse(string text)
    {
        var slash = text.IndexOf('/');
        if (slash < 0) return null;
        var ns = text[..slash];
        var dnsName = text[(slash + 1)..];
        if (!ns.StartsWith('~')) return new SidecarEgressHost(false, ns, dnsName);
        var excluded = ns[1..];
        return new SidecarEgressHost(true, excluded.Length == 0 ? ExportTo.Public : excluded, dnsName);
    }

    /// <summary>True when the entry's namespace is <paramref name="hostNamespace"/> as seen by a sidecar in <paramref name="sidecarNamespace"/>.</summary>
    public bool InNamespace(string hostNamespace, string sidecarNamespace) => Namespace switch
    {
        "*" => true,
        "." => hostNamespace == sidecarNamespace,
        _ => Namespace == hostNamespace,
    };

    /// <summary>Istio's SubsetOf: the entry covers every name <paramref name="hostname"/> (an FQDN or a wildcard) stands for.</summary>
    public bool Covers(string hostname) => HostName.Matches(DnsName, hostname);

    /// <summary>The entry and <paramref name="hostname"/> can name a common host (how VirtualServices are imported).</summary>
    public bool Overlaps(string hostname) => HostName.Overlaps(DnsName, hostname);
}
