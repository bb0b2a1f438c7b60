using Envoy.Config.Core.V3;
using Envoy.Extensions.TransportSockets.Tls.V3;
using Trellis.Xds;

namespace Trellis.ControlPlane.Translation.Mtls;

/// <summary>Envoy's two transport sockets, wrapped as clusters and filter chains name them.</summary>
internal static class TransportSockets
{
    public const string TlsName = "envoy.transport_sockets.tls";
    public const string RawBufferName = "envoy.transport_sockets.raw_buffer";

    public static TransportSocket Tls(UpstreamTlsContext context) => new() { Name = TlsName, TypedConfig = XdsAny.Pack(context) };

    public static TransportSocket Tls(DownstreamTlsContext context) => new() { Name = TlsName, TypedConfig = XdsAny.Pack(context) };

    public static TransportSocket RawBuffer() => new() { Name = RawBufferName, TypedConfig = XdsAny.Pack(new Envoy.Extensions.TransportSockets.RawBuffer.V3.RawBuffer()) };
}
