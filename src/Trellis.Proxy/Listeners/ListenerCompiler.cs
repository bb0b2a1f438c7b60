using Envoy.Config.Listener.V3;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Listeners.FilterChains;
using Trellis.Proxy.Listeners.ListenerFilters;
using Trellis.Proxy.Secrets;

namespace Trellis.Proxy.Listeners;

/// <summary>Validates LDS listeners and extracts what the proxy binds and runs.</summary>
internal static class ListenerCompiler
{
    /// <summary>The listener to bind, or null for API listeners (those are for proxyless gRPC clients).</summary>
    public static ListenerModel? Compile(Listener l, SecretStore secrets)
    {
        if (l.ApiListener is not null) return null;
        var where = $"listener \"{l.Name}\"";
        string? address = null;
        var port = 0;
        if (l.InternalListener is not null)
        {
            if (l.Address?.SocketAddress is not null) throw new ConfigException($"{where}: an internal listener must not have a socket address");
        }
        else
        {
            if (l.Address?.SocketAddress is not { } sa) throw new ConfigException($"{where}: needs a socket address (or internal_listener)");
            if (sa.PortValue is 0 or > 65535) throw new ConfigException($"{where}: port {sa.PortValue} is out of range");
            if (!System.Net.IPAddress.TryParse(sa.Address, out _)) throw new ConfigException($"{where}: address \"{sa.Address}\" is not an IP address");
            (address, port) = (sa.Address, (int)sa.PortValue);
        }
        if (l.FilterChains.Count == 0 && l.DefaultFilterChain is null) throw new ConfigException($"{where}: no filter chains specified");
        var chains = new List<FilterChainModel>(l.FilterChains.Count);
        for (var i = 0; i < l.FilterChains.Count; i++)
            chains.Add(FilterChainCompiler.Compile(where, l.FilterChains[i], $"filter_chains[{i}]", isDefault: false, secrets));
        var defaultChain = l.DefaultFilterChain is { } d ? FilterChainCompiler.Compile(where, d, "default_filter_chain", isDefault: true, secrets) : null;
        FilterChainCompiler.EnsureDistinct(where, chains, defaultChain);
        var listenerFilters = ListenerFilterCompiler.Compile(where, l, chains.Any(c => c.Match.NeedsTlsInspector));
        return new ListenerModel(l.Name, address, port, l.TrafficDirection, new FilterChainManager(chains, defaultChain), listenerFilters);
    }
}
