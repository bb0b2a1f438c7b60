using System.Collections.Concurrent;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Trellis.Xds;

/// <summary>Envoy v3 resource type URLs and how to decode each.</summary>
public static class TypeUrls
{
    internal const string Prefix = "type.googleapis.com/";

    private static readonly ConcurrentDictionary<MessageDescriptor, string> OfType = new();

    /// <summary>LDS.</summary>
    public const string Listener = Prefix + "envoy.config.listener.v3.Listener";

    /// <summary>RDS.</summary>
    public const string RouteConfiguration = Prefix + "envoy.config.route.v3.RouteConfiguration";

    /// <summary>CDS.</summary>
    public const string Cluster = Prefix + "envoy.config.cluster.v3.Cluster";

    /// <summary>EDS.</summary>
    public const string ClusterLoadAssignment = Prefix + "envoy.config.endpoint.v3.ClusterLoadAssignment";

    /// <summary>SDS.</summary>
    public const string Secret = Prefix + "envoy.extensions.transport_sockets.tls.v3.Secret";

    /// <summary>The resource name that subscribes to a wildcard type's whole set (xDS protocol, "How the client
    /// specifies what resources to return").</summary>
    internal const string WildcardName = "*";

    /// <summary>Whether a type has the wildcard subscription: the protocol gives it to listeners and clusters only;
    /// for the other types "*" is an ordinary name.</summary>
    internal static bool HasWildcard(string typeUrl) => typeUrl is Listener or Cluster;

    /// <summary>The type URL of a message type: one string per type, however many messages are packed with it.</summary>
    public static string Of(MessageDescriptor descriptor) => OfType.GetOrAdd(descriptor, static d => Prefix + d.FullName);

    /// <summary>The types in the order a server should push them (make-before-break: secrets before the listeners that name them).</summary>
    public static IReadOnlyList<string> PushOrder { get; } = [Secret, Cluster, ClusterLoadAssignment, Listener, RouteConfiguration];

    /// <summary>istioctl's short names: CDS, EDS, LDS, RDS.</summary>
    public static string ShortName(string typeUrl) => typeUrl switch
    {
        Listener => "LDS",
        RouteConfiguration => "RDS",
        Cluster => "CDS",
        ClusterLoadAssignment => "EDS",
        Secret => "SDS",
        _ => typeUrl,
    };

    internal static MessageParser? ParserFor(string typeUrl) => typeUrl switch
    {
        Listener => Envoy.Config.Listener.V3.Listener.Parser,
        RouteConfiguration => Envoy.Config.Route.V3.RouteConfiguration.Parser,
        Cluster => Envoy.Config.Cluster.V3.Cluster.Parser,
        ClusterLoadAssignment => Envoy.Config.Endpoint.V3.ClusterLoadAssignment.Parser,
        Secret => Envoy.Extensions.TransportSockets.Tls.V3.Secret.Parser,
        _ => null,
    };

    /// <summary>The name an xDS resource is addressed by.</summary>
    public static string NameOf(IMessage resource) => resource switch
    {
        Envoy.Config.Listener.V3.Listener l => l.Name,
        Envoy.Config.Route.V3.RouteConfiguration r => r.Name,
        Envoy.Config.Cluster.V3.Cluster c => c.Name,
        Envoy.Config.Endpoint.V3.ClusterLoadAssignment e => e.ClusterName,
        Envoy.Extensions.TransportSockets.Tls.V3.Secret s => s.Name,
        _ => throw new ArgumentException($"not an xDS resource: {resource.Descriptor.FullName}", nameof(resource)),
    };
}
