using Envoy.Config.Cluster.V3;
using Envoy.Config.Core.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.ControlPlane.Mesh;

namespace Trellis.ControlPlane.Translation;

/// <summary>Tells the proxy which of this machine's ports its PassthroughCluster must never connect to, whatever
/// the Host or CONNECT authority spelled (127.1, 2130706433, a name that resolves to loopback): the route table
/// refuses the usual spellings, this catches the rest where the address is known, after resolution.</summary>
internal static class PassthroughGuard
{
    /// <summary>The filter_metadata namespace the proxy reads on ORIGINAL_DST clusters.</summary>
    public const string MetadataKey = "trellis.passthrough";
    public const string ReservedPortsField = "reserved_ports";

    public static Cluster Apply(Cluster passthrough, ReservedPorts reserved)
    {
        var ports = new Struct();
        foreach (var (port, what) in reserved.Ordered) ports.Fields[ReservedPorts.Key(port)] = Value.ForString(what);
        passthrough.Metadata ??= new Metadata();
        passthrough.Metadata.FilterMetadata[MetadataKey] = new Struct { Fields = { [ReservedPortsField] = Value.ForStruct(ports) } };
        return passthrough;
    }
}
