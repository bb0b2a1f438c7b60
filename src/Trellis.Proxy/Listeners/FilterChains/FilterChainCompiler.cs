using Envoy.Config.Listener.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Trellis.Proxy.Authorization;
using TcpProxyConfig = Envoy.Extensions.Filters.Network.TcpProxy.V3.TcpProxy;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Listeners.TcpProxy;
using Trellis.Proxy.Listeners.TransportSockets;
using Trellis.Proxy.Secrets;
using NetworkRbac = Envoy.Extensions.Filters.Network.Rbac.V3.RBAC;

namespace Trellis.Proxy.Listeners.FilterChains;

/// <summary>Validates a listener's filter chains: each one's match, transport socket and network filter, and that no
/// connection could match two chains equally (Envoy refuses such a listener).</summary>
internal static class FilterChainCompiler
{
    public const string HcmFilterName = "envoy.filters.network.http_connection_manager";

    /// <summary>Envoy's listener accepts any number of combinations; this bound only keeps a hostile config from
    /// exhausting memory while the combinations are checked for ties.</summary>
    private const int MaxCombinations = 100_000;

    /// <param name="fallbackName">The name for a chain without one: its place in the listener.</param>
    public static FilterChainModel Compile(string listenerWhere, FilterChain chain, string fallbackName, bool isDefault, SecretStore secrets)
    {
        var name = chain.Name.Length > 0 ? chain.Name : fallbackName;
        var where = $"{listenerWhere} filter chain \"{name}\"";
        // Envoy ignores the default chain's filter_chain_match: that chain is what no match leads to.
        var match = isDefault ? FilterChainMatchModel.Any : FilterChainMatchCompiler.Compile(where, chain.FilterChainMatch);
        var transport = DownstreamTransportSocketCompiler.Compile(listenerWhere, name, chain.TransportSocket, secrets);
        if (chain.Filters.Count == 0 || chain.Filters[^1].Name is not (HcmFilterName or TcpProxyCompiler.FilterName)
            || chain.Filters.SkipLast(1).Any(f => f.Name != NetworkRbacPolicy.FilterName))
        {
            throw new ConfigException($"{where}: unsupported network filters [{string.Join(", ", chain.Filters.Select(f => f.Name))}]; " +
                $"a chain takes {NetworkRbacPolicy.FilterName} filters followed by one terminal filter, {HcmFilterName} or {TcpProxyCompiler.FilterName}");
        }
        var rbac = chain.Filters.SkipLast(1).Select((f, i) => f.TypedConfig is not null && f.TypedConfig.TryUnpack<NetworkRbac>(out var config)
            ? NetworkRbacPolicy.From(config, $"{where} filters[{i}]")
            : throw new ConfigException($"{where} filters[{i}]: {NetworkRbacPolicy.FilterName} has no {NetworkRbac.Descriptor.FullName} typed_config")).ToArray();
        var filter = chain.Filters[^1];
        if (filter.Name == TcpProxyCompiler.FilterName)
        {
            if (filter.TypedConfig is null || !filter.TypedConfig.TryUnpack<TcpProxyConfig>(out var tcp))
                throw new ConfigException($"{where}: {TcpProxyCompiler.FilterName} has no TcpProxy typed_config");
            var model = TcpProxyCompiler.Compile(where, tcp);
            return new FilterChainModel(name, match, transport, model.ConnectionSettings()) { TcpProxy = model, NetworkRbac = rbac };
        }
        if (filter.TypedConfig is null || !filter.TypedConfig.TryUnpack<HttpConnectionManager>(out var hcm))
            throw new ConfigException($"{where}: {HcmFilterName} has no HttpConnectionManager typed_config");
        return new FilterChainModel(name, match, transport, HttpConnectionManagerCompiler.Compile(where, hcm)) { NetworkRbac = rbac };
    }

    /// <summary>Refuses two chains with one name (connections find their chain by name after a push), and two chains
    /// that share a combination of criteria, as Envoy does.</summary>
    public static void EnsureDistinct(string where, IReadOnlyList<FilterChainModel> chains, FilterChainModel? defaultChain)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chain in defaultChain is null ? chains : chains.Append(defaultChain))
            if (!names.Add(chain.Name)) throw new ConfigException($"{where}: two filter chains are named \"{chain.Name}\"");
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var chain in chains)
        {
            foreach (var key in Combinations(chain.Match))
            {
                if (owners.Count >= MaxCombinations)
                    throw new ConfigException($"{where}: the filter chain matches combine into more than {MaxCombinations} cases");
                if (!owners.TryAdd(key, chain.Name))
                    throw new ConfigException($"{where}: multiple filter chains with the same matching rules are defined (\"{owners[key]}\" and \"{chain.Name}\")");
            }
        }
    }

    /// <summary>Every combination of one value per criterion (an open criterion counts as one value, "*").</summary>
    private static IEnumerable<string> Combinations(FilterChainMatchModel m)
    {
        IEnumerable<string> keys = [""];
        foreach (var values in new[]
        {
            Values([m.DestinationPort?.ToString()]),
            Values(m.PrefixRanges.Select(r => r.ToString())),
            Values(m.ServerNames),
            Values([m.TransportProtocol]),
            Values(m.ApplicationProtocols),
            Values(m.DirectSourcePrefixRanges.Select(r => r.ToString())),
            Values([m.SourceType.ToString()]),
            Values(m.SourcePrefixRanges.Select(r => r.ToString())),
            Values(m.SourcePorts.Select(p => p.ToString())),
        })
        {
            keys = keys.SelectMany(_ => values, (key, value) => key + "\u0001" + value);
        }
        return keys;
    }

    private static string[] Values(IEnumerable<string?> values)
    {
        var set = values.Where(v => v is not null).Select(v => v!).Distinct(StringComparer.Ordinal).ToArray();
        return set.Length == 0 ? ["*"] : set;
    }
}
