using Envoy.Config.Listener.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Trellis.Proxy.Configuration;

namespace Trellis.Proxy.Listeners;

/// <summary>Validates LDS listeners and extracts what the proxy binds and runs.</summary>
internal static class ListenerCompiler
{
    public const string HcmFilterName = "envoy.filters.network.http_connection_manager";

    /// <summary>The listener to bind, or null for API listeners (those are for proxyless gRPC clients).</summary>
    public static ListenerModel? Compile(Listener l)
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
        if (l.FilterChains.Count != 1)
            throw new ConfigException($"{where}: has {l.FilterChains.Count} filter chains; this proxy supports exactly one");
        var chain = l.FilterChains[0];
        if (chain.TransportSocket is not null) throw new ConfigException($"{where}: transport sockets (TLS) are not supported yet");
        if (chain.Filters.Count != 1 || chain.Filters[0].Name != HcmFilterName)
            throw new ConfigException($"{where}: unsupported network filters [{string.Join(", ", chain.Filters.Select(f => f.Name))}]; only {HcmFilterName} is supported");
        var filter = chain.Filters[0];
        if (filter.TypedConfig is null || !filter.TypedConfig.TryUnpack<HttpConnectionManager>(out var hcm))
            throw new ConfigException($"{where}: {HcmFilterName} has no HttpConnectionManager typed_config");
        return new ListenerModel(l.Name, address, port, l.TrafficDirection, HttpConnectionManagerCompiler.Compile(where, hcm));
    }
}
