using Envoy.Config.Cluster.V3;
using Envoy.Config.Listener.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Google.Protobuf;

namespace Trellis.Xds.Client;

/// <summary>Which RDS and EDS names a client must subscribe to, from the listeners and clusters it runs.</summary>
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

    public static HashSet<string> Endpoints(IEnumerable<IMessage> clusters) =>
        clusters.OfType<Cluster>()
            .Where(c => c.Type == Cluster.Types.DiscoveryType.Eds)
            .Select(c => string.IsNullOrEmpty(c.EdsClusterConfig?.ServiceName) ? c.Name : c.EdsClusterConfig.ServiceName)
            .ToHashSet(StringComparer.Ordinal);
}
