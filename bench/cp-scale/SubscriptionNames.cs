using System.Collections.Concurrent;
using Envoy.Config.Cluster.V3;
using Envoy.Config.Listener.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Envoy.Extensions.TransportSockets.Tls.V3;
using Envoy.Service.Discovery.V3;
using Trellis.Xds;

namespace Trellis.Bench.CpScale;

/// <summary>Which RDS, EDS and SDS names a client must ask for after it accepts listeners or clusters, as Envoy (and
/// Trellis's own AdsClient) derives them. Versions are content hashes, so one version always holds the same names:
/// each distinct version is decoded once for all simulated proxies, and what the harness costs the shared cores is
/// the streams, not two thousand copies of the same parse.</summary>
internal sealed class SubscriptionNames
{
    private readonly ConcurrentDictionary<(string Type, string Version), IReadOnlyDictionary<string, string[]>> _byVersion = new();

    /// <summary>The dependent type URLs and their sorted names that a response of <paramref name="type"/> at
    /// <paramref name="version"/> calls for (empty for types other than listeners and clusters); <paramref name="decode"/>
    /// gives the whole response when the version has not been seen yet.</summary>
    public IReadOnlyDictionary<string, string[]> Of(string type, string version, Func<DiscoveryResponse> decode) => type is TypeUrls.Listener or TypeUrls.Cluster
        ? _byVersion.GetOrAdd((type, version), static (_, decode) => Decode(decode()), decode)
        : Empty;

    private static readonly IReadOnlyDictionary<string, string[]> Empty = new Dictionary<string, string[]>();

    private static Dictionary<string, string[]> Decode(DiscoveryResponse response)
    {
        var names = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        SortedSet<string> Of(string type) => names.TryGetValue(type, out var set) ? set : names[type] = new SortedSet<string>(StringComparer.Ordinal);
        if (response.TypeUrl == TypeUrls.Listener)
        {
            Of(TypeUrls.RouteConfiguration);
            foreach (var any in response.Resources)
            {
                var listener = Listener.Parser.ParseFrom(any.Value);
                var chains = listener.DefaultFilterChain is { } d ? listener.FilterChains.Append(d) : listener.FilterChains;
                foreach (var chain in chains)
                {
                    foreach (var filter in chain.Filters)
                        if (filter.TypedConfig is { } config && config.TryUnpack<HttpConnectionManager>(out var hcm) && hcm.Rds is { } rds)
                            Of(TypeUrls.RouteConfiguration).Add(rds.RouteConfigName);
                    if (chain.TransportSocket?.TypedConfig is { } tls && tls.TryUnpack<DownstreamTlsContext>(out var downstream))
                        AddSds(downstream.CommonTlsContext, Of(TypeUrls.Secret));
                }
            }
        }
        else
        {
            Of(TypeUrls.ClusterLoadAssignment);
            foreach (var any in response.Resources)
            {
                var cluster = Cluster.Parser.ParseFrom(any.Value);
                if (cluster.Type == Cluster.Types.DiscoveryType.Eds)
                    Of(TypeUrls.ClusterLoadAssignment).Add(string.IsNullOrEmpty(cluster.EdsClusterConfig?.ServiceName) ? cluster.Name : cluster.EdsClusterConfig.ServiceName);
                foreach (var socket in cluster.TransportSocketMatches.Select(m => m.TransportSocket).Append(cluster.TransportSocket))
                    if (socket?.TypedConfig is { } tls && tls.TryUnpack<UpstreamTlsContext>(out var upstream)) AddSds(upstream.CommonTlsContext, Of(TypeUrls.Secret));
            }
        }
        return names.Where(kv => kv.Value.Count > 0 || kv.Key != TypeUrls.Secret).ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal);
    }

    private static void AddSds(CommonTlsContext? common, SortedSet<string> names)
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
}
