using Envoy.Config.Core.V3;
using Trellis.Proxy.Configuration;

namespace Trellis.Proxy.Listeners.TransportSockets;

/// <summary>Picks a chain's transport socket as Envoy does: by the typed_config's type, else by name. Only plaintext
/// exists yet, and a chain that asks for anything else is refused rather than served in plaintext.</summary>
internal static class DownstreamTransportSocketCompiler
{
    public const string RawBufferName = "envoy.transport_sockets.raw_buffer";
    public const string RawBufferType = "type.googleapis.com/envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer";

    public static IDownstreamTransportSocket Compile(string where, string chain, TransportSocket? socket)
    {
        if (socket is null) return PlaintextTransportSocket.Instance;
        var isRawBuffer = socket.TypedConfig is { } config ? config.TypeUrl == RawBufferType : socket.Name == RawBufferName;
        if (isRawBuffer) return PlaintextTransportSocket.Instance;
        var what = socket.TypedConfig is { } typed ? $"{socket.Name} ({typed.TypeUrl})" : socket.Name;
        throw new ConfigException($"{where}: transport socket {what} is not supported yet, chain \"{chain}\"");
    }
}
