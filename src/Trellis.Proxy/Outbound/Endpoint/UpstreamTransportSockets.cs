using Envoy.Config.Core.V3;
using Envoy.Extensions.TransportSockets.Tls.V3;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Secrets;
using Trellis.Proxy.Tls;

namespace Trellis.Proxy.Outbound.Endpoint;

/// <summary>Compiles a cluster's transport_socket: raw_buffer, or tls with an UpstreamTlsContext. Anything else is
/// rejected by name rather than silently sent in the clear.</summary>
internal static class UpstreamTransportSockets
{
    private const string RawBufferName = "envoy.transport_sockets.raw_buffer";
    private const string RawBufferType = "type.googleapis.com/envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer";
    private const string TlsName = "envoy.transport_sockets.tls";
    private const string UpstreamTlsType = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext";

    public static IUpstreamTransportSocket From(TransportSocket? socket, SecretStore secrets, string where)
    {
        if (socket is null) return PlaintextTransportSocket.Instance;
        // As in Envoy, the typed_config's type picks the extension; the name only when there is no typed_config.
        var plaintext = socket.TypedConfig is { } typed ? typed.TypeUrl == RawBufferType : socket.Name == RawBufferName;
        if (plaintext) return PlaintextTransportSocket.Instance;
        if (socket.TypedConfig is { TypeUrl: UpstreamTlsType } tls) return Tls(tls.Unpack<UpstreamTlsContext>(), secrets, $"{where} transport_socket");
        var name = socket.TypedConfig?.TypeUrl is { Length: > 0 } url ? url : socket.Name;
        throw new ConfigException($"{where}: transport socket \"{name}\" is not supported ({RawBufferName}, or {TlsName} with an UpstreamTlsContext)");
    }

    private static UpstreamTlsTransportSocket Tls(UpstreamTlsContext context, SecretStore secrets, string where)
    {
        var common = context.CommonTlsContext ?? new CommonTlsContext();
        var field = $"{where} common_tls_context";
        if (context.AllowRenegotiation) throw new ConfigException($"{where}: allow_renegotiation is not supported");
        if (context.AutoSniSanValidation) throw new ConfigException($"{where}: auto_sni_san_validation is not supported (match the SANs in the validation context)");
        if (context.Sni.Length > 255) throw new ConfigException($"{where}: sni is longer than 255 characters");
        return new UpstreamTlsTransportSocket(where, CertificateSource.Compile(common, secrets, field), PeerValidation.Compile(common, secrets, field),
            context.Sni, context.AutoHostSni, TlsSettings.Compile(common, server: false, field), secrets);
    }
}
