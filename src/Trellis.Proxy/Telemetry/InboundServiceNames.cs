using System.Collections.Concurrent;

namespace Trellis.Proxy.Telemetry;

/// <summary>Names the service an inbound request addressed, from its Host ("reviews", "reviews.bookinfo",
/// or the full name), as (fqdn, name, namespace); cached, with a bound since Host is client input.</summary>
internal sealed class InboundServiceNames(string ownNamespace)
{
    private const int MaxEntries = 1024;
    private readonly ConcurrentDictionary<string, (string, string, string)> _cache = new(StringComparer.OrdinalIgnoreCase);

    public (string Service, string Name, string Namespace) Resolve(string host)
    {
        if (_cache.TryGetValue(host, out var cached)) return cached;
        var resolved = Compute(host);
        if (_cache.Count < MaxEntries) _cache[host] = resolved;
        return resolved;
    }

    private (string, string, string) Compute(string host)
    {
        if (host.Length == 0 || host.Length > 253 || System.Net.IPAddress.TryParse(host, out _)) return ("unknown", "unknown", "unknown");
        var parts = host.ToLowerInvariant().Split('.');
        var name = parts[0];
        var ns = parts.Length > 1 ? parts[1] : ownNamespace;
        return ($"{name}.{ns}.svc.cluster.local", name, ns);
    }
}
