using Envoy.Config.Core.V3;
using Microsoft.Extensions.Logging.Abstractions;
using Trellis.Xds.Client;
using Trellis.Xds.Server;

namespace Trellis.Xds.Tests.Support;

internal static class Clients
{
    /// <summary>A started ADS client for <paramref name="nodeId"/> against <paramref name="server"/>.</summary>
    public static AdsClient Start(Uri server, string nodeId, IXdsResourceHandler handler, XdsProtocol protocol = XdsProtocol.StateOfTheWorld)
    {
        var client = new AdsClient(server, new Node { Id = nodeId, Cluster = "tests", UserAgentName = "trellis-tests" }, handler, NullLogger.Instance,
            protocol: protocol);
        client.Start();
        return client;
    }

    /// <summary>The node's per-type state in the registry, or null while it is not connected.</summary>
    public static TypeStatus? Status(this XdsConnectionRegistry registry, string nodeId, string typeUrl) =>
        registry.Snapshot().FirstOrDefault(n => n.Node.Id == nodeId)?.Types.FirstOrDefault(t => t.TypeUrl == typeUrl);

    /// <summary>True when every one of the four types is ACKed at <paramref name="version"/>.</summary>
    public static bool AllAcked(this XdsConnectionRegistry registry, string nodeId, string version) =>
        AllTypes.All(t => registry.Status(nodeId, t)?.AckedVersion == version);

    public static readonly string[] AllTypes = [TypeUrls.Listener, TypeUrls.RouteConfiguration, TypeUrls.Cluster, TypeUrls.ClusterLoadAssignment];
}
