using Envoy.Config.Cluster.V3;
using Envoy.Config.Endpoint.V3;
using Envoy.Config.Route.V3;
using Google.Protobuf;
using Trellis.Xds.Server;

namespace Trellis.ControlPlane.Translation;

/// <summary>The xDS resource sets computed for one proxy: its own, and the outbound route table, clusters and endpoints it
/// shares with the other proxies of its scope.</summary>
internal sealed class ProxyResources(
    IReadOnlyList<IMessage> listeners,
    IReadOnlyList<IMessage> ownRoutes,
    IReadOnlyList<IMessage> ownClusters,
    IReadOnlyList<IMessage> ownEndpoints)
{
    public IReadOnlyList<IMessage> Listeners => listeners;

    /// <summary>The route tables only this proxy has (a gateway's), beside <see cref="SharedRoutes"/>.</summary>
    public IReadOnlyList<IMessage> OwnRoutes => ownRoutes;

    /// <summary>The clusters only this proxy has (its inbound cluster, say), beside <see cref="SharedClusters"/>.</summary>
    public IReadOnlyList<IMessage> OwnClusters => ownClusters;

    /// <summary>The endpoints only this proxy has, beside <see cref="SharedEndpoints"/>.</summary>
    public IReadOnlyList<IMessage> OwnEndpoints => ownEndpoints;

    /// <summary>The outbound clusters of the proxy's scope, the same instance for every proxy of it.</summary>
    public XdsResourceSet? SharedClusters { get; init; }

    /// <summary>The outbound endpoints of the proxy's scope, the same instance for every proxy of it.</summary>
    public XdsResourceSet? SharedEndpoints { get; init; }

    /// <summary>The outbound route table of the proxy's group (a sidecar's), the same instance for every proxy of it.</summary>
    public XdsResourceSet? SharedRoutes { get; init; }

    /// <summary>Every route table: the shared one (decoded again from its bytes), then the proxy's own.</summary>
    public IReadOnlyList<IMessage> Routes => [.. Decoded<RouteConfiguration>(SharedRoutes), .. ownRoutes];

    /// <summary>Every cluster: the shared ones (decoded again from their bytes), then the proxy's own.</summary>
    public IReadOnlyList<IMessage> Clusters => [.. Decoded<Cluster>(SharedClusters), .. ownClusters];

    /// <summary>Every endpoint assignment: the shared ones (decoded again from their bytes), then the proxy's own.</summary>
    public IReadOnlyList<IMessage> Endpoints => [.. Decoded<ClusterLoadAssignment>(SharedEndpoints), .. ownEndpoints];

    /// <summary>SDS: the credential Secrets of a gateway's TLS servers (only ever its own namespace's).</summary>
    public IReadOnlyList<IMessage> Secrets { get; init; } = [];

    /// <summary>Why parts of the configuration were left out (a gateway server without its certificate, say).</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    private static IEnumerable<IMessage> Decoded<T>(XdsResourceSet? set) where T : IMessage<T>, new() =>
        set is null ? [] : set.Ordered.Select(r => (IMessage)r.Message<T>());
}
