using Envoy.Config.Core.V3;
using Trellis.Proxy.Configuration;

namespace Trellis.Proxy.Outbound.Endpoint;

/// <summary>Compiles a cluster's transport_socket. Only plaintext exists so far: a cluster that asks for anything
/// else (TLS above all) is rejected by name rather than silently sent in the clear.</summary>
internal static class UpstreamTransportSockets
{
    private const string RawBufferName = "envoy.transport_sockets.raw_buffer";
    private const string RawBufferType = "type.googleapis.com/envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer";

    public static IUpstreamTransportSocket From(TransportSocket? socket, string where)
    {
        if (socket is null) return PlaintextTransportSocket.Instance;
        // As in Envoy, the typed_config's type picks the extension; the name only when there is no typed_config.
        var plaintext = socket.TypedConfig is { } typed ? typed.TypeUrl == RawBufferType : socket.Name == RawBufferName;
        if (plaintext) return PlaintextTransportSocket.Instance;
        var name = socket.TypedConfig?.TypeUrl is { Length: > 0 } url ? url : socket.Name;
        throw new ConfigException($"{where}: transport socket \"{name}\" is not supported yet (only {RawBufferName})");
    }
}
