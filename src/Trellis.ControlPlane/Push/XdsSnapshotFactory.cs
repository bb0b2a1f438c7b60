using Google.Protobuf;
using Trellis.ControlPlane.Translation;
using Trellis.Xds;
using Trellis.Xds.Server;

namespace Trellis.ControlPlane.Push;

/// <summary>Packages one proxy's resources as an xDS snapshot with content-derived versions.</summary>
internal static class XdsSnapshotFactory
{
    public static XdsSnapshot From(ProxyResources resources) => new(new Dictionary<string, (string, IReadOnlyList<IMessage>)>
    {
        [TypeUrls.Listener] = (ResourceVersion.Of(resources.Listeners), resources.Listeners),
        [TypeUrls.RouteConfiguration] = (ResourceVersion.Of(resources.Routes), resources.Routes),
        [TypeUrls.Cluster] = (ResourceVersion.Of(resources.Clusters), resources.Clusters),
        [TypeUrls.ClusterLoadAssignment] = (ResourceVersion.Of(resources.Endpoints), resources.Endpoints),
        [TypeUrls.Secret] = (ResourceVersion.Of(resources.Secrets), resources.Secrets),
    });
}
