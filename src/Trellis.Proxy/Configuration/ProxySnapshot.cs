using System.Collections.Frozen;
using Trellis.Proxy.Clusters;
using Trellis.Proxy.Listeners;
using Trellis.Proxy.Routing;

namespace Trellis.Proxy.Configuration;

/// <summary>The whole configuration the data path runs on, immutable and swapped atomically.</summary>
internal sealed record ProxySnapshot(
    FrozenDictionary<string, ListenerModel> Listeners,
    FrozenDictionary<string, RouteTable> Routes,
    FrozenDictionary<string, ClusterState> Clusters,
    AcceptedResources Resources)
{
    public static readonly ProxySnapshot Empty = new(
        FrozenDictionary<string, ListenerModel>.Empty,
        FrozenDictionary<string, RouteTable>.Empty,
        FrozenDictionary<string, ClusterState>.Empty,
        AcceptedResources.Empty);
}

/// <summary>Holds the current snapshot; readers never lock.</summary>
internal sealed class SnapshotHolder
{
    private ProxySnapshot _current = ProxySnapshot.Empty;

    public ProxySnapshot Current => Volatile.Read(ref _current);

    public void Publish(ProxySnapshot snapshot) => Volatile.Write(ref _current, snapshot);
}
