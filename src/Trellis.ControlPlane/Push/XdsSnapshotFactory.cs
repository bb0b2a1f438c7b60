using Trellis.ControlPlane.Translation;
using Trellis.Xds;
using Trellis.Xds.Server;

namespace Trellis.ControlPlane.Push;

/// <summary>Packages one proxy's resources as an xDS snapshot with content-derived versions: the sets its scope shares
/// as they are, and its own resources as the interned instance of each.</summary>
internal static class XdsSnapshotFactory
{
    public static XdsSnapshot From(ProxyResources resources, ResourceInterner interner) => new(new Dictionary<string, IReadOnlyList<XdsResourceSet>>
    {
        [TypeUrls.Listener] = [Own(resources.Listeners, interner)],
        [TypeUrls.RouteConfiguration] = WithShared(resources.SharedRoutes, Own(resources.OwnRoutes, interner)),
        [TypeUrls.Cluster] = WithShared(resources.SharedClusters, Own(resources.OwnClusters, interner)),
        [TypeUrls.ClusterLoadAssignment] = WithShared(resources.SharedEndpoints, Own(resources.OwnEndpoints, interner)),
        [TypeUrls.Secret] = [Own(resources.Secrets, interner)],
    });

    private static IReadOnlyList<XdsResourceSet> WithShared(XdsResourceSet? shared, XdsResourceSet own) => shared is null ? [own] : [shared, own];

    private static XdsResourceSet Own(IReadOnlyList<Google.Protobuf.IMessage> resources, ResourceInterner interner) => new(interner.Intern(resources));
}
