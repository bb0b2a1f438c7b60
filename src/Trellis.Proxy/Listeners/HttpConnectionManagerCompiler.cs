using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Trellis.Proxy.AccessLogs;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.HttpFilters;
using Trellis.Proxy.Listeners.Paths;
using Trellis.Proxy.Routing;

namespace Trellis.Proxy.Listeners;

/// <summary>Validates an HttpConnectionManager and compiles its HTTP filter chain and routes; throws
/// <see cref="ConfigException"/> naming <c>where</c> (the listener) and the filter at fault.</summary>
internal static class HttpConnectionManagerCompiler
{
    public static HttpConnectionManagerModel Compile(string where, HttpConnectionManager hcm) => Compile(where, hcm, HttpFilterRegistry.Default);

    public static HttpConnectionManagerModel Compile(string where, HttpConnectionManager hcm, HttpFilterRegistry registry)
    {
        var filters = CompileFilters(where, hcm, registry);
        var accessLogs = AccessLogCompiler.Compile(where, hcm.AccessLog);
        var xfcc = ClientCertificates.ForwardClientCertPolicy.Compile(hcm);
        var allowsConnect = hcm.UpgradeConfigs.Any(u => u.UpgradeType.Equals("CONNECT", StringComparison.OrdinalIgnoreCase) && u.Enabled != false);
        var paths = PathNormalization.From(hcm, where);
        var tracing = Tracing.TracingPolicy.Compile(where, hcm.Tracing, hcm.RequestIdExtension);
        return hcm.RouteSpecifierCase switch
        {
            HttpConnectionManager.RouteSpecifierOneofCase.Rds => new(hcm.StatPrefix, hcm.Rds.RouteConfigName, null, filters, hcm.GenerateRequestId ?? true, allowsConnect)
                { AccessLogs = accessLogs, Paths = paths, UseRemoteAddress = hcm.UseRemoteAddress ?? false, XffNumTrustedHops = hcm.XffNumTrustedHops, ForwardClientCert = xfcc, Tracing = tracing },
            HttpConnectionManager.RouteSpecifierOneofCase.RouteConfig => new(hcm.StatPrefix, null, RouteCompiler.Compile(hcm.RouteConfig, registry), filters, hcm.GenerateRequestId ?? true, allowsConnect)
                { AccessLogs = accessLogs, Paths = paths, UseRemoteAddress = hcm.UseRemoteAddress ?? false, XffNumTrustedHops = hcm.XffNumTrustedHops, ForwardClientCert = xfcc, Tracing = tracing },
            _ => throw new ConfigException($"{where}: HttpConnectionManager has neither rds nor route_config"),
        };
    }

    private static HttpFilterModel[] CompileFilters(string where, HttpConnectionManager hcm, HttpFilterRegistry registry)
    {
        var filters = new List<HttpFilterModel>(hcm.HttpFilters.Count);
        for (var i = 0; i < hcm.HttpFilters.Count; i++)
        {
            var f = hcm.HttpFilters[i];
            var at = $"{where}: HTTP filter \"{f.Name}\"";
            var last = i == hcm.HttpFilters.Count - 1;
            if (last && f.Disabled) throw new ConfigException($"{at} is the last (terminal) filter of the chain and cannot be disabled by default");
            if (Resolve(f, at, registry) is not var (factory, config))
            {
                if (f.IsOptional) continue;
                throw new ConfigException($"{at}{Typed(f)} is not supported by this proxy (mark it is_optional to let it pass)");
            }
            if (factory.IsTerminal && !last) throw new ConfigException($"{at} ({factory.Name}) is terminal and must be the last filter of the chain");
            filters.Add(new HttpFilterModel(f.Name, factory, factory.Compile(config, at), f.Disabled));
        }
        if (filters.Count == 0 || !filters[^1].Factory.IsTerminal)
            throw new ConfigException($"{where}: the HTTP filter chain must end with a terminal filter such as envoy.filters.http.router");
        return filters.ToArray();
    }

    /// <summary>As in Envoy, the factory is the one that declares the typed_config's @type (the name only labels the
    /// entry); without a typed_config, the factory registered under the name with its default config. A name that is one
    /// of the proxy's filters must carry a type that filter takes.</summary>
    private static (HttpFilterFactory Factory, Google.Protobuf.IMessage Config)? Resolve(HttpFilter f, string at, HttpFilterRegistry registry)
    {
        var named = registry.ByName(f.Name);
        if (f.TypedConfig is not { } any) return named is null ? null : (named, named.ConfigTypes[0].Parser.ParseFrom(Google.Protobuf.ByteString.Empty));
        var found = registry.ForConfig(any, at);
        // An optional entry whose @type no filter takes is left out, whatever its name.
        if (named is not null && found?.Factory != named && (found is not null || !f.IsOptional))
        {
            throw new ConfigException($"{at} has a typed_config of {HttpFilterRegistry.TypeName(any)}, which {named.Name} does not take " +
                $"(it takes {string.Join(", ", named.ConfigTypes.Select(t => t.FullName))})");
        }
        return found;
    }

    private static string Typed(HttpFilter f) => f.TypedConfig is { } any ? $" ({HttpFilterRegistry.TypeName(any)})" : "";
}
