using Envoy.Config.Cluster.V3;
using Envoy.Config.Listener.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Envoy.Extensions.TransportSockets.Tls.V3;
using Google.Protobuf;

namespace Trellis.Xds.Client;

/// <summary>Which RDS, EDS and SDS names a client must subscribe to, from the listeners and clusters it runs.</summary>
internal static class DependentNames
{
    public static HashSet<string> Routes(IEnumerable<IMessage> listeners)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var listener in listeners.OfType<Listener>())
        {
            foreach (var filter in listener.FilterChains.SelectMany(c => c.Filters))
                if (filter.TypedConfig is { } any && any.TryUnpack<HttpConnectionManager>(out var hcm) && hcm.Rds is { } rds)
                    names.Add(rds.RouteConfigName);
            if (listener.ApiListener?.ApiListener_ is { } api && api.TryUnpack<HttpConnectionManager>(out var apiHcm) && apiHcm.Rds is { } apiRds)
                names.Add(apiRds.RouteConfigName);
        }
        return names;
    }

    /// <summary>The SDS secrets the listeners' and clusters' TLS contexts name with an ADS config source, which Envoy
    /// then subscribes to over the ADS stream; secrets from other sources (Istio's local SDS agent) are not asked for.</summary>
    public static HashSet<string> Secrets(IEnumerable<IMessage> listeners, IEnumerable<IMessage> clusters)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var listener in listeners.OfType<Listener>())
        {
            var chains = listener.DefaultFilterChain is { } d ? listener.FilterChains.Append(d) : listener.FilterChains;
            foreach (var chain in chains)
                if (chain.TransportSocket?.TypedConfig is { } any && any.TryUnpack<DownstreamTlsContext>(out var tls)) AddSds(tls.CommonTlsContext, names);
        }
        foreach (var cluster in clusters.OfType<Cluster>())
        {
            var sockets = cluster.TransportSocketMatches.Select(m => m.TransportSocket).Append(cluster.TransportSocket);
            foreach (var socket in sockets)
                if (socket?.TypedConfig is { } any && any.TryUnpack<UpstreamTlsContext>(out var tls)) AddSds(tls.CommonTlsContext, names);
        }
        return names;
    }

    private static void AddSds(CommonTlsContext? common, HashSet<string> names)
    {
        if (common is null) return;
        foreach (var sds in common.TlsCertificateSdsSecretConfigs) Add(sds);
        Add(common.ValidationContextSdsSecretConfig);
        Add(common.CombinedValidationContext?.ValidationContextSdsSecretConfig);

        void Add(SdsSecretConfig? sds)
        {
            if (sds is { Name.Length: > 0, SdsConfig.Ads: not null }) names.Add(sds.Name);
        }
    }

    public static HashSet<string> Endpoints(IEnumerable<IMessage> clusters) =>
        clusters.OfType<Cluster>()
            .Where(c => c.Type == Cluster.Types.DiscoveryType.Eds)
            .Select(c => string.IsNullOrEmpty(c.EdsClusterConfig?.ServiceName) ? c.Name : c.EdsClusterConfig.ServiceName)
            .ToHashSet(StringComparer.Ordinal);
}
