using Envoy.Config.Core.V3;
using Envoy.Extensions.TransportSockets.Tls.V3;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Secrets;
using Trellis.Proxy.Tls;

namespace Trellis.Proxy.Listeners.TransportSockets;

/// <summary>Picks a chain's transport socket as Envoy does: by the typed_config's type, else by name: raw_buffer, or
/// tls with a DownstreamTlsContext. Anything else is refused rather than served in plaintext.</summary>
internal static class DownstreamTransportSocketCompiler
{
    public const string RawBufferName = "envoy.transport_sockets.raw_buffer";
    public const string RawBufferType = "type.googleapis.com/envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer";
    public const string TlsName = "envoy.transport_sockets.tls";
    public const string DownstreamTlsType = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext";

    public static IDownstreamTransportSocket Compile(string where, string chain, TransportSocket? socket, SecretStore secrets)
    {
        if (socket is null) return PlaintextTransportSocket.Instance;
        var isRawBuffer = socket.TypedConfig is { } config ? config.TypeUrl == RawBufferType : socket.Name == RawBufferName;
        if (isRawBuffer) return PlaintextTransportSocket.Instance;
        var field = $"{where} filter chain \"{chain}\" transport_socket";
        if (socket.TypedConfig is { TypeUrl: DownstreamTlsType } tls)
            return Tls(tls.Unpack<DownstreamTlsContext>(), secrets, field);
        var what = socket.TypedConfig is { } typed ? $"{socket.Name} ({typed.TypeUrl})" : socket.Name;
        throw new ConfigException($"{field}: {what} is not supported ({RawBufferName}, or {TlsName} with a DownstreamTlsContext)");
    }

    private static TlsTransportSocket Tls(DownstreamTlsContext context, SecretStore secrets, string where)
    {
        var common = context.CommonTlsContext ?? new CommonTlsContext();
        var certificate = CertificateSource.Compile(common, secrets, $"{where} common_tls_context")
            ?? throw new ConfigException($"{where}: a DownstreamTlsContext needs a certificate (tls_certificates or tls_certificate_sds_secret_configs)");
        var validation = PeerValidation.Compile(common, secrets, $"{where} common_tls_context");
        var requireClient = context.RequireClientCertificate ?? false;
        if (requireClient && validation is not { VerifiesTrust: true })
            throw new ConfigException($"{where}: require_client_certificate needs a validation context with trusted CAs");
        if (context.SessionTicketKeysTypeCase is DownstreamTlsContext.SessionTicketKeysTypeOneofCase.SessionTicketKeys
            or DownstreamTlsContext.SessionTicketKeysTypeOneofCase.SessionTicketKeysSdsSecretConfig)
            throw new ConfigException($"{where}: session ticket keys are not supported (the platform rotates its own)");
        if (context.OcspStaplePolicy == DownstreamTlsContext.Types.OcspStaplePolicy.MustStaple)
            throw new ConfigException($"{where}: ocsp_staple_policy MUST_STAPLE is not supported");
        var allowResume = context.SessionTicketKeysTypeCase != DownstreamTlsContext.SessionTicketKeysTypeOneofCase.DisableStatelessSessionResumption
                          || !context.DisableStatelessSessionResumption;
        return new TlsTransportSocket(where, certificate, validation, requireClient, context.RequireSni ?? false,
            TlsSettings.Compile(common, server: true, $"{where} common_tls_context"), allowResume, secrets);
    }
}
