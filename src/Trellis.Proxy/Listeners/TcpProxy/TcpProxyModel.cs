namespace Trellis.Proxy.Listeners.TcpProxy;

/// <summary>A compiled envoy.filters.network.tcp_proxy: the cluster(s) a connection's bytes go to, how long it may
/// stay silent, and how many endpoints it may try before giving up.</summary>
/// <param name="Clusters">One cluster (weight 1), or Envoy's weighted_clusters in their configured order.</param>
/// <param name="IdleTimeout"><see cref="Timeout.InfiniteTimeSpan"/> when disabled (idle_timeout 0s).</param>
internal sealed record TcpProxyModel(string StatPrefix, IReadOnlyList<TcpProxyCluster> Clusters, TimeSpan IdleTimeout, int MaxConnectAttempts)
{
    private readonly ulong _totalWeight = Sum(Clusters);

    public IReadOnlyList<AccessLogs.AccessLogModel> AccessLogs { get; init; } = [];

    /// <summary>max_downstream_connection_duration: connections are closed once they are this old; null for no bound.</summary>
    public TimeSpan? MaxConnectionDuration { get; init; }

    /// <summary>tunneling_config's hostname: the bytes go through an HTTP/1.1 CONNECT to this authority (how they
    /// reach a destination sidecar, whose inbound side ends the tunnel at its app); null sends them as they are.</summary>
    public string? TunnelHostname { get; init; }

    /// <summary>What the completion path (telemetry, access logs) reads of a chain's connection manager: a tcp_proxy
    /// chain has no routes and no HTTP filters, only its stat prefix and access logs.</summary>
    public HttpConnectionManagerModel ConnectionSettings() => new(StatPrefix, null, null, [], GenerateRequestId: false) { AccessLogs = AccessLogs };

    /// <summary>The cluster for one connection: the only one, or one drawn by weight, as Envoy's weighted_clusters.</summary>
    public string Choose(ulong draw)
    {
        if (Clusters.Count == 1) return Clusters[0].Name;
        var point = draw % _totalWeight;
        foreach (var cluster in Clusters)
        {
            if (point < cluster.Weight) return cluster.Name;
            point -= cluster.Weight;
        }
        return Clusters[^1].Name;
    }

    private static ulong Sum(IReadOnlyList<TcpProxyCluster> clusters)
    {
        ulong total = 0;
        foreach (var cluster in clusters) total += cluster.Weight;
        return total;
    }
}

internal sealed record TcpProxyCluster(string Name, uint Weight);
