using Google.Protobuf;
using Trellis.ControlPlane.Translation;
using Trellis.Xds;
using Trellis.Xds.Server;

namespace Trellis.ControlPlane.Push;

/// <summary>Packages one proxy's resources as an xDS snapshot with content-derived versions, holding the interned
/// instance of each resource.</summary>
internal static class XdsSnapshotFactory
{
    public static XdsSnapshot From(ProxyResources resources, ResourceInterner interner) => new(new Dictionary<string, (string, IReadOnlyList<IMessage>)>
    {
        [TypeUrls.Listener] = Versioned(interner.Intern(resources.Listeners)),
        [TypeUrls.RouteConfiguration] = Versioned(interner.Intern(resources.Routes)),
        [TypeUrls.Cluster] = Versioned(interner.Intern(resources.Clusters)),
        [TypeUrls.ClusterLoadAssignment] = Versioned(interner.Intern(resources.Endpoints)),
        [TypeUrls.Secret] = Versioned(interner.Intern(resources.Secrets)),
    });

    private static (string, IReadOnlyList<IMessage>) Versioned(IReadOnlyList<IMessage> resources) => (ResourceVersion.Of(resources), resources);
}
