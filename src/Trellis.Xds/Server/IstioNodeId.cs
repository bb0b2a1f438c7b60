namespace Trellis.Xds.Server;

/// <summary>Istio's proxy node id, <c>type~ip~pod.namespace~namespace.svc.cluster.local</c>, split into its parts.</summary>
public sealed record IstioNodeId(string Type, string IpAddress, string PodName, string Namespace, string DnsDomain)
{
    /// <summary>A sidecar next to an application.</summary>
    public const string Sidecar = "sidecar";

    /// <summary>A gateway (ingress, egress) running on its own.</summary>
    public const string Router = "router";

    /// <summary>Parses an Istio-style id; returns null for any other shape, since plain ids are legal too.</summary>
    public static IstioNodeId? TryParse(string? id)
    {
        var parts = id?.Split('~');
        if (parts is not { Length: 4 } || parts[0] is not (Sidecar or Router)) return null;
        var dot = parts[2].LastIndexOf('.');
        if (dot <= 0 || dot == parts[2].Length - 1 || parts[1].Length == 0) return null;
        return new IstioNodeId(parts[0], parts[1], parts[2][..dot], parts[2][(dot + 1)..], parts[3]);
    }

    /// <summary>Formats the id the way Istio's agents announce it.</summary>
    public override string ToString() => $"{Type}~{IpAddress}~{PodName}.{Namespace}~{DnsDomain}";
}
