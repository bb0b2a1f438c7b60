using Envoy.Config.Core.V3;
using Envoy.Extensions.TransportSockets.Tls.V3;
using Google.Protobuf.WellKnownTypes;

namespace Trellis.ControlPlane.Translation.Mtls;

/// <summary>Envoy's two transport sockets, wrapped as clusters and filter chains name them.</summary>
internal static class TransportSockets
{
    public const string TlsName = "envoy.transport_sockets.tls";
    public const string RawBufferName = "envoy.transport_sockets.raw_buffer";

    /// <summary>RawBuffer has no fields: its Any is the type URL over an empty message.</summary>
    public const string RawBufferType = "type.googleapis.com/envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer";

    public static TransportSocket Tls(UpstreamTlsContext context) => new() { Name = TlsName, TypedConfig = Any.Pack(context) };

    public static TransportSocket Tls(DownstreamTlsContext context) => new() { Name = TlsName, TypedConfig = Any.Pack(context) };

    public static TransportSocket RawBuffer() => new() { Name = RawBufferName, TypedConfig = new Any { TypeUrl = RawBufferType } };
}
