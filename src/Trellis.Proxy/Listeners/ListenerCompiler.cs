using Envoy.Config.Listener.V3;
using Envoy.Extensions.Filters.Http.Router.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Trellis.Proxy.AccessLogs;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.HttpFilters;
using Trellis.Proxy.HttpFilters.Fault;
using Trellis.Proxy.Routing;

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
        return new ListenerModel(l.Name, address, port, l.TrafficDirection, CompileHcm(where, hcm));
    }

    private static HttpConnectionManagerModel CompileHcm(string where, HttpConnectionManager hcm)
    {
        var filters = new List<string>();
        FaultPolicy? fault = null;
        var suppressEnvoyHeaders = false;
        foreach (var f in hcm.HttpFilters)
        {
            if (f.Disabled) continue;
            if (f.Name == FaultPolicy.FilterName && f.TypedConfig is { } faultConfig) fault = FaultPolicy.From(faultConfig, where);
            if (f.Name == HttpFilterRegistry.Router && f.TypedConfig is { } routerConfig)
            {
                if (!routerConfig.TryUnpack<Router>(out var router))
                    throw new ConfigException($"{where}: {HttpFilterRegistry.Router} typed_config holds a {routerConfig.TypeUrl}, not a Router");
                suppressEnvoyHeaders = router.SuppressEnvoyHeaders;
            }
            if (HttpFilterRegistry.IsKnown(f.Name)) filters.Add(f.Name);
            else if (!f.IsOptional) throw new ConfigException($"{where}: HTTP filter \"{f.Name}\" is not supported by this proxy");
        }
        if (filters.Count == 0 || filters[^1] != HttpFilterRegistry.Router)
            throw new ConfigException($"{where}: the HTTP filter chain must end with {HttpFilterRegistry.Router}");
        var accessLogs = AccessLogCompiler.Compile(where, hcm.AccessLog);
        var allowsConnect = hcm.UpgradeConfigs.Any(u => u.UpgradeType.Equals("CONNECT", StringComparison.OrdinalIgnoreCase) && u.Enabled != false);
        return hcm.RouteSpecifierCase switch
        {
            HttpConnectionManager.RouteSpecifierOneofCase.Rds => new(hcm.StatPrefix, hcm.Rds.RouteConfigName, null, filters, hcm.GenerateRequestId ?? true, allowsConnect, fault, suppressEnvoyHeaders) { AccessLogs = accessLogs },
            HttpConnectionManager.RouteSpecifierOneofCase.RouteConfig => new(hcm.StatPrefix, null, RouteCompiler.Compile(hcm.RouteConfig), filters, hcm.GenerateRequestId ?? true, allowsConnect, fault, suppressEnvoyHeaders) { AccessLogs = accessLogs },
            _ => throw new ConfigException($"{where}: HttpConnectionManager has neither rds nor route_config"),
        };
    }
}
