using Envoy.Config.Cluster.V3;
using Envoy.Config.Core.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.ControlPlane.Mesh;
using Trellis.Xds;

namespace Trellis.ControlPlane.Translation;

/// <summary>Tells the proxy which of this machine's ports its PassthroughCluster must never connect to, whatever
/// the Host or CONNECT authority spelled (127.1, 2130706433, a name that resolves to loopback): the route table
/// refuses the usual spellings, this catches the rest where the address is known, after resolution.</summary>
internal static class PassthroughGuard
{
    /// <summary>The filter_metadata namespace the proxy reads on ORIGINAL_DST clusters.</summary>
    public const string MetadataKey = "trellis.passthrough";

    /// <summary>What each reserved port is → the ports (<see cref="PortRanges"/>): a mesh of two thousand pods reserves
    /// six thousand ports, which listed one by one made most of every proxy's clusters (bench/cp-scale).</summary>
    public const string ReservedPortsField = "reserved_port_ranges";

    public static Cluster Apply(Cluster passthrough, ReservedPorts reserved)
    {
        var ports = new Struct();
        foreach (var group in reserved.Ordered.GroupBy(p => p.Value, p => p.Key).OrderBy(g => g.Key, StringComparer.Ordinal))
            ports.Fields[group.Key] = Value.ForString(PortRanges.Format(group));
        passthrough.Metadata ??= new Metadata();
        passthrough.Metadata.FilterMetadata[MetadataKey] = new Struct { Fields = { [ReservedPortsField] = Value.ForStruct(ports) } };
        return passthrough;
    }
}
