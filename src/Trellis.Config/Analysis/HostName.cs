namespace Trellis.Config;

/// <summary>Istio host names: short names resolve in a namespace, wildcards match suffixes.</summary>
public static class HostName
{
    /// <summary>The cluster DNS suffix of Service hosts.</summary>
    public const string ClusterDomain = "svc.cluster.local";

    /// <summary><c>reviews</c> in <c>bookinfo</c> → <c>reviews.bookinfo.svc.cluster.local</c>.</summary>
    public static string Fqdn(string name, string ns) => $"{name}.{ns}.{ClusterDomain}";

    /// <summary>Resolves a host written in a VirtualService/DestinationRule: a name without dots is a Service in
    /// <paramref name="ns"/>; <c>name.ns</c> and <c>name.ns.svc</c> are completed to the FQDN; anything else is kept.</summary>
    public static string Resolve(string host, string ns)
    {
        if (host.Contains('*')) return host;
        var trimmed = host.TrimEnd('.');
        var dots = trimmed.Count(c => c == '.');
        if (dots == 0) return Fqdn(trimmed, ns);
        if (trimmed.EndsWith(".svc", StringComparison.OrdinalIgnoreCase) && dots == 2) return $"{trimmed}.cluster.local";
        return trimmed;
    }

    /// <summary>The FQDNs a host may denote: its resolution, plus the Service FQDN for the <c>name.ns</c> form.</summary>
    public static IReadOnlyList<string> Candidates(string host, string ns)
    {
        var resolved = Resolve(host, ns);
        var dots = host.TrimEnd('.').Count(c => c == '.');
        return dots == 1 && !host.Contains('*') ? [resolved, $"{host.TrimEnd('.')}.{ClusterDomain}"] : [resolved];
    }

    /// <summary>True when <paramref name="pattern"/> (possibly <c>*</c> or <c>*.suffix</c>) covers <paramref name="host"/>.</summary>
    public static bool Matches(string pattern, string host)
    {
        if (pattern == "*") return true;
        if (pattern.StartsWith("*.", StringComparison.Ordinal))
            return host.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase)
                   || (host.StartsWith("*.", StringComparison.Ordinal) && host.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase));
        return string.Equals(pattern, host, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>True when two host patterns can match a common host.</summary>
    public static bool Overlaps(string a, string b) => Matches(a, b) || Matches(b, a);
}
