using System.Collections.Frozen;
using Trellis.Proxy.Configuration;

namespace Trellis.Proxy.Routing;

/// <summary>A compiled RouteConfiguration: virtual hosts indexed by domain in Envoy's selection order
/// (exact, then longest "*suffix", then longest "prefix*", then "*").</summary>
internal sealed class RouteTable
{
    private readonly FrozenDictionary<string, VirtualHostEntry> _exact;
    private readonly (string Suffix, VirtualHostEntry Host)[] _suffixes;
    private readonly (string Prefix, VirtualHostEntry Host)[] _prefixes;
    private readonly VirtualHostEntry? _default;
    private readonly bool _ignorePort;

    public string Name { get; }
    public IReadOnlyList<VirtualHostEntry> VirtualHosts { get; }
    public HeaderMutations RequestHeaders { get; }
    public HeaderMutations ResponseHeaders { get; }

    public RouteTable(string name, IReadOnlyList<VirtualHostEntry> hosts, HeaderMutations requestHeaders, HeaderMutations responseHeaders, bool ignorePortInHostMatching)
    {
        Name = name;
        VirtualHosts = hosts;
        RequestHeaders = requestHeaders;
        ResponseHeaders = responseHeaders;
        _ignorePort = ignorePortInHostMatching;
        var exact = new Dictionary<string, VirtualHostEntry>(StringComparer.OrdinalIgnoreCase);
        var suffixes = new List<(string, VirtualHostEntry)>();
        var prefixes = new List<(string, VirtualHostEntry)>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var host in hosts)
        {
            foreach (var domain in host.Domains)
            {
                if (!seen.Add(domain))
                    throw new ConfigException($"route configuration \"{name}\": domain \"{domain}\" appears in more than one virtual host (second: \"{host.Name}\")");
                if (domain == "*") _default = host;
                else if (domain.StartsWith('*')) suffixes.Add((domain[1..], host));
                else if (domain.EndsWith('*')) prefixes.Add((domain[..^1], host));
                else exact[domain] = host;
            }
        }
        _exact = exact.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _suffixes = suffixes.OrderByDescending(s => s.Item1.Length).ToArray();
        _prefixes = prefixes.OrderByDescending(p => p.Item1.Length).ToArray();
    }

    /// <summary>The virtual host for a Host/:authority value, or null when none matches.</summary>
    public VirtualHostEntry? SelectVirtualHost(string? authority)
    {
        var host = authority ?? "";
        if (_ignorePort) host = StripPort(host);
        if (_exact.TryGetValue(host, out var exact)) return exact;
        // Wildcards must match at least one character, as in Envoy.
        foreach (var (suffix, entry) in _suffixes)
            if (host.Length > suffix.Length && host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) return entry;
        foreach (var (prefix, entry) in _prefixes)
            if (host.Length > prefix.Length && host.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return entry;
        return _default;
    }

    private static string StripPort(string host)
    {
        var colon = host.LastIndexOf(':');
        return colon > 0 && host.IndexOf(']', colon) < 0 ? host[..colon] : host;
    }
}
