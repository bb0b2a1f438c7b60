namespace Trellis.ControlPlane.Mesh;

/// <summary>Kubernetes DNS naming: short names resolve in the caller's namespace.</summary>
internal static class HostNames
{
    public const string ClusterDomain = "svc.cluster.local";

    public static string Fqdn(string name, string ns) => $"{name}.{ns}.{ClusterDomain}";

    /// <summary>Resolves a VirtualService/DestinationRule host as Istio does: a name without dots is
    /// short for a service in <paramref name="ns"/>; "name.ns" is short for its FQDN.</summary>
    public static string Resolve(string host, string ns)
    {
        if (host.Contains('*')) return host;
        var dots = host.Count(c => c == '.');
        if (dots == 0) return Fqdn(host, ns);
        if (dots == 1) return $"{host}.{ClusterDomain}";
        if (host.EndsWith(".svc", StringComparison.Ordinal)) return $"{host}.cluster.local";
        return host;
    }

    /// <summary>True when a (possibly wildcard) Istio host pattern covers <paramref name="fqdn"/>.</summary>
    public static bool Matches(string pattern, string fqdn)
    {
        if (pattern == "*") return true;
        if (pattern.StartsWith("*.", StringComparison.Ordinal))
            return fqdn.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase);
        return string.Equals(pattern, fqdn, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The Host header values under which mesh clients may address a service port,
    /// the same set Istio writes into a virtual host's domains.</summary>
    public static IReadOnlyList<string> Domains(ServiceModel service, int port)
    {
        var names = new[]
        {
            service.Fqdn,
            $"{service.Name}.{service.Namespace}.svc",
            $"{service.Name}.{service.Namespace}",
            service.Name,
        };
        var domains = new List<string>(names.Length * 2);
        foreach (var n in names)
        {
            domains.Add($"{n}:{port}");
            if (port == 80) domains.Add(n);
        }
        return domains;
    }
}
