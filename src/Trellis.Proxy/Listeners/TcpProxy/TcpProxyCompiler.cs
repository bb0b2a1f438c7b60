using Trellis.Proxy.AccessLogs;
using Trellis.Proxy.Configuration;
using TcpProxyConfig = Envoy.Extensions.Filters.Network.TcpProxy.V3.TcpProxy;

namespace Trellis.Proxy.Listeners.TcpProxy;

/// <summary>Validates a TcpProxy network filter as Envoy does and compiles it once per push.</summary>
internal static class TcpProxyCompiler
{
    public const string FilterName = "envoy.filters.network.tcp_proxy";

    public static TcpProxyModel Compile(string where, TcpProxyConfig config)
    {
        var at = $"{where}: {FilterName}";
        if (config.StatPrefix.Length == 0) throw new ConfigException($"{at}: stat_prefix is required");
        var clusters = config.ClusterSpecifierCase switch
        {
            TcpProxyConfig.ClusterSpecifierOneofCase.Cluster when config.Cluster.Length > 0 => [new TcpProxyCluster(config.Cluster, 1)],
            TcpProxyConfig.ClusterSpecifierOneofCase.WeightedClusters => Weighted(at, config.WeightedClusters),
            _ => throw new ConfigException($"{at}: needs a cluster or weighted_clusters"),
        };
        var idle = Tunnels.TunnelPump.IdleTimeoutOf(config.IdleTimeout, at);
        var attempts = config.MaxConnectAttempts ?? 1;
        if (attempts < 1) throw new ConfigException($"{at}: max_connect_attempts must be at least 1");
        // More attempts than this only keep a client waiting; Envoy's own bound is the cluster's retry budget.
        attempts = Math.Min(attempts, 16);
        return new TcpProxyModel(config.StatPrefix, clusters, idle, (int)attempts)
        {
            AccessLogs = AccessLogCompiler.Compile(at, config.AccessLog),
            MaxConnectionDuration = Tunnels.TunnelPump.MaxDurationOf(config.MaxDownstreamConnectionDuration, at, "max_downstream_connection_duration"),
            TunnelHostname = config.TunnelingConfig is { } tunnel ? Tunnel(at, tunnel) : null,
        };
    }

    private static string Tunnel(string at, TcpProxyConfig.Types.TunnelingConfig tunnel)
    {
        if (tunnel.UsePost) throw new ConfigException($"{at}: tunneling_config.use_post is not supported (tunnels use CONNECT)");
        if (tunnel.HeadersToAdd.Count > 0) throw new ConfigException($"{at}: tunneling_config.headers_to_add is not supported");
        if (Tunnels.ConnectTarget.Parse($"CONNECT {tunnel.Hostname} HTTP/1.1", out var error) is null)
            throw new ConfigException($"{at}: tunneling_config.hostname: {error}");
        return tunnel.Hostname;
    }

    private static TcpProxyCluster[] Weighted(string at, TcpProxyConfig.Types.WeightedCluster weighted)
    {
        if (weighted.Clusters.Count == 0) throw new ConfigException($"{at}: weighted_clusters needs at least one cluster");
        var clusters = new TcpProxyCluster[weighted.Clusters.Count];
        ulong total = 0;
        for (var i = 0; i < clusters.Length; i++)
        {
            var c = weighted.Clusters[i];
            if (c.Name.Length == 0) throw new ConfigException($"{at}: weighted_clusters.clusters[{i}] has no name");
            if (c.Weight < 1) throw new ConfigException($"{at}: weighted_clusters.clusters[{i}] (\"{c.Name}\") needs a weight of at least 1");
            clusters[i] = new TcpProxyCluster(c.Name, c.Weight);
            total += c.Weight;
        }
        if (total > uint.MaxValue) throw new ConfigException($"{at}: the weights of weighted_clusters add up to more than {uint.MaxValue}");
        return clusters;
    }
}
