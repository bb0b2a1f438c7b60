using Envoy.Config.Listener.V3;
using Envoy.Config.Route.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;

namespace Trellis.Proxy.Static;

/// <summary>Envoy's validate_clusters for a bootstrap: a statically defined route_config (where it defaults to true) may
/// only name clusters the bootstrap defines, or the proxy does not start. Clusters that ADS may add later do not count,
/// as in Envoy, unless the route configuration sets validate_clusters to false.</summary>
internal static class RouteClusterCheck
{
    public static void Check(string file, IReadOnlyList<Listener> listeners, IReadOnlySet<string> clusters)
    {
        for (var i = 0; i < listeners.Count; i++)
        {
            var chains = listeners[i].FilterChains.Select((c, j) => (c, $"filter_chains[{j}]")).ToList();
            if (listeners[i].DefaultFilterChain is { } d) chains.Add((d, "default_filter_chain"));
            foreach (var (chain, chainPath) in chains)
            {
                for (var k = 0; k < chain.Filters.Count; k++)
                {
                    if (chain.Filters[k].TypedConfig is not { } any || !any.TryUnpack<HttpConnectionManager>(out var hcm) || hcm.RouteConfig is not { } routes) continue;
                    if (routes.ValidateClusters == false) continue;
                    Check($"{file}: static_resources.listeners[{i}].{chainPath}.filters[{k}].typed_config.route_config", routes, clusters);
                }
            }
        }
    }

    private static void Check(string where, RouteConfiguration routes, IReadOnlySet<string> clusters)
    {
        for (var v = 0; v < routes.VirtualHosts.Count; v++)
        {
            var vhost = routes.VirtualHosts[v];
            for (var r = 0; r < vhost.Routes.Count; r++)
            {
                if (vhost.Routes[r].Route_ is not { } action) continue;
                var at = $"{where}.virtual_hosts[{v}].routes[{r}].route";
                if (action.ClusterSpecifierCase == RouteAction.ClusterSpecifierOneofCase.Cluster) Known(at + ".cluster", action.Cluster, clusters);
                if (action.WeightedClusters is { } weighted)
                    for (var w = 0; w < weighted.Clusters.Count; w++)
                        if (weighted.Clusters[w].Name.Length > 0) Known($"{at}.weighted_clusters.clusters[{w}].name", weighted.Clusters[w].Name, clusters);
            }
        }
    }

    private static void Known(string at, string cluster, IReadOnlySet<string> clusters)
    {
        if (!clusters.Contains(cluster))
            throw new BootstrapException($"{at}: unknown cluster \"{cluster}\" (a static route_config validates its clusters; define it in static_resources.clusters or set validate_clusters: false)");
    }
}
