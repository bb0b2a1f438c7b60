using Envoy.Extensions.Filters.Http.Router.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.HttpFilters;
using Trellis.Proxy.HttpFilters.Fault;
using Trellis.Proxy.Routing;

namespace Trellis.Proxy.Listeners;

/// <summary>Validates an HTTP connection manager and extracts what the request path needs.</summary>
internal static class HttpConnectionManagerCompiler
{
    public static HttpConnectionManagerModel Compile(string where, HttpConnectionManager hcm)
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
        var allowsConnect = hcm.UpgradeConfigs.Any(u => u.UpgradeType.Equals("CONNECT", StringComparison.OrdinalIgnoreCase) && u.Enabled != false);
        return hcm.RouteSpecifierCase switch
        {
            HttpConnectionManager.RouteSpecifierOneofCase.Rds => new(hcm.StatPrefix, hcm.Rds.RouteConfigName, null, filters, hcm.GenerateRequestId ?? true, allowsConnect, fault, suppressEnvoyHeaders),
            HttpConnectionManager.RouteSpecifierOneofCase.RouteConfig => new(hcm.StatPrefix, null, RouteCompiler.Compile(hcm.RouteConfig), filters, hcm.GenerateRequestId ?? true, allowsConnect, fault, suppressEnvoyHeaders),
            _ => throw new ConfigException($"{where}: HttpConnectionManager has neither rds nor route_config"),
        };
    }
}
