using Google.Protobuf;

namespace Trellis.ControlPlane.Translation;

/// <summary>The xDS resource sets computed for one proxy: its own, and the outbound clusters and endpoints it shares with
/// the other proxies of its scope.</summary>
internal sealed class ProxyResources(
    IReadOnlyList<IMessage> listeners,
    IReadOnlyList<IMessage> routes,
    IReadOnlyList<IMessage> ownClusters,
    IReadOnlyList<IMessage> ownEndpoints)
{
    public IReadOnlyList<IMessage> Listeners => listeners;

    public IReadOnlyList<IMessage> Routes => routes;

    /// <summary>The clusters only this proxy has (its inbound cluster, say), beside <see cref="Shared"/>'s.</summary>
    public IReadOnlyList<IMessage> OwnClusters => ownClusters;

    /// <summary>The endpoints only this proxy has, beside <see cref="Shared"/>'s.</summary>
    public IReadOnlyList<IMessage> OwnEndpoints => ownEndpoints;

    /// <summary>The outbound clusters and endpoints of the proxy's scope, the same instance for every proxy of it.</summary>
    public OutboundView? Shared { get; init; }

    /// <summary>Every cluster: the shared ones, then the proxy's own.</summary>
    public IReadOnlyList<IMessage> Clusters => Shared is null ? ownClusters : [.. Shared.Clusters, .. ownClusters];

    /// <summary>Every endpoint assignment: the shared ones, then the proxy's own.</summary>
    public IReadOnlyList<IMessage> Endpoints => Shared is null ? ownEndpoints : [.. Shared.Endpoints, .. ownEndpoints];

    /// <summary>SDS: the credential Secrets of a gateway's TLS servers (only ever its own namespace's).</summary>
    public IReadOnlyList<IMessage> Secrets { get; init; } = [];

    /// <summary>Why parts of the configuration were left out (a gateway server without its certificate, say).</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];
}
