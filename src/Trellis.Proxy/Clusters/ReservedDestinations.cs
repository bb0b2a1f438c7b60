using System.Collections.Frozen;
using System.Net;
using System.Net.Sockets;
using Envoy.Config.Core.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.Proxy.Configuration;
using Trellis.Xds;

namespace Trellis.Proxy.Clusters;

/// <summary>Ports of this machine a passthrough (ORIGINAL_DST) cluster must never connect to, as the control plane
/// lists them in the cluster's <c>filter_metadata["trellis.passthrough"].reserved_port_ranges</c> (what they are →
/// <see cref="PortRanges"/>).
/// Checked on the connected socket, so every spelling of the destination (127.1, a decimal address, a name
/// resolving to this machine) is caught; nothing is sent before the check.</summary>
internal sealed class ReservedDestinations
{
    public const string MetadataKey = "trellis.passthrough";
    private const string PortsField = "reserved_port_ranges";

    public static readonly ReservedDestinations None = new(FrozenDictionary<int, string>.Empty);

    private readonly FrozenDictionary<int, string> _ports;

    private ReservedDestinations(FrozenDictionary<int, string> ports)
    {
        _ports = ports;
        Key = PortRanges.Format(ports.Keys);
    }

    /// <summary>Equal for equal port sets, so an unchanged list keeps the cluster's connection pool.</summary>
    public string Key { get; }

    public static ReservedDestinations From(Metadata? metadata, string where)
    {
        if (metadata is null || !metadata.FilterMetadata.TryGetValue(MetadataKey, out var passthrough)) return None;
        if (!passthrough.Fields.TryGetValue(PortsField, out var listed)) return None;
        if (listed.KindCase != Value.KindOneofCase.StructValue)
            throw new ConfigException($"{where}: metadata {MetadataKey}.{PortsField} must map what ports are to the ports");
        var ports = new Dictionary<int, string>();
        foreach (var (what, value) in listed.StructValue.Fields)
        {
            string? error = "not a string";
            var listedPorts = value.KindCase == Value.KindOneofCase.StringValue ? PortRanges.Parse(value.StringValue, out error) : null;
            if (listedPorts is null)
                throw new ConfigException($"{where}: metadata {MetadataKey}.{PortsField}[\"{what}\"] must list ports as ranges such as 15000-15003,15010: {error}");
            foreach (var port in listedPorts) ports.TryAdd(port, what);
        }
        return ports.Count == 0 ? None : new ReservedDestinations(ports.ToFrozenDictionary());
    }

    /// <summary>Throws <see cref="ReservedDestinationException"/> when <paramref name="socket"/> is connected to this
    /// machine (loopback, or its own address) on a reserved port.</summary>
    public void Check(Socket socket)
    {
        if (_ports.Count == 0 || socket.RemoteEndPoint is not IPEndPoint remote) return;
        if (!_ports.TryGetValue(remote.Port, out var what)) return;
        var address = Normalize(remote.Address);
        var thisMachine = IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)
            || (socket.LocalEndPoint is IPEndPoint local && Normalize(local.Address).Equals(address));
        if (thisMachine) throw new ReservedDestinationException($"{remote} is {what}: not a mesh destination, so passthrough never connects there");
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}

/// <summary>A passthrough connection refused because it reached one of the mesh's own ports.</summary>
internal sealed class ReservedDestinationException(string reason) : IOException(reason);
