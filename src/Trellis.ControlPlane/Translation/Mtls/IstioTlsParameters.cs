using Envoy.Extensions.TransportSockets.Tls.V3;

namespace Trellis.ControlPlane.Translation.Mtls;

/// <summary>The TLS versions and ciphers Istio's sidecars use between workloads: TLS 1.2 to 1.3, and for 1.2
/// only the ECDHE AEAD suites of mesh config's default cipher list.</summary>
internal static class IstioTlsParameters
{
    public static TlsParameters Create() => new()
    {
        TlsMinimumProtocolVersion = TlsParameters.Types.TlsProtocol.Tlsv12,
        TlsMaximumProtocolVersion = TlsParameters.Types.TlsProtocol.Tlsv13,
        CipherSuites =
        {
            "ECDHE-ECDSA-AES256-GCM-SHA384",
            "ECDHE-RSA-AES256-GCM-SHA384",
            "ECDHE-ECDSA-AES128-GCM-SHA256",
            "ECDHE-RSA-AES128-GCM-SHA256",
        },
    };
}
