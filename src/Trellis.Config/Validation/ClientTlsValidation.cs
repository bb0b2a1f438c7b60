using Trellis.Config.Model.Networking;

namespace Trellis.Config.Validation;

/// <summary>Rules of a DestinationRule's ClientTLSSettings, as Istio's validateTLS states them, plus fields a mode
/// ignores (reported, so nobody believes a certificate is in use when it is not).</summary>
internal static class ClientTlsValidation
{
    public static void Check(ValidationSink sink, string path, ClientTlsSettings tls)
    {
        var credential = !string.IsNullOrEmpty(tls.CredentialName);
        if (tls.Mode is null)
            sink.Error($"{path}.mode", "missing required field (DISABLE, SIMPLE, MUTUAL or ISTIO_MUTUAL)");
        if (tls.InsecureSkipVerify == true)
        {
            if (tls.Mode == "SIMPLE" && (Set(tls.CaCertificates) || credential || tls.SubjectAltNames is not null))
                sink.Error($"{path}.insecureSkipVerify", "cannot specify caCertificates, credentialName or subjectAltNames when insecureSkipVerify is true");
            if (tls.Mode == "MUTUAL" && (Set(tls.CaCertificates) || tls.SubjectAltNames is not null))
                sink.Error($"{path}.insecureSkipVerify", "cannot specify caCertificates or subjectAltNames when insecureSkipVerify is true");
        }
        if (tls.Mode is "SIMPLE" or "MUTUAL" && credential)
        {
            if (Set(tls.ClientCertificate) || Set(tls.CaCertificates) || Set(tls.PrivateKey) || Set(tls.CaCrl))
                sink.Error($"{path}.credentialName", "cannot specify clientCertificate, privateKey, caCertificates or caCrl when credentialName is set: the Secret provides them");
            return;
        }
        if (tls.Mode == "MUTUAL")
        {
            if (!Set(tls.ClientCertificate)) sink.Error($"{path}.clientCertificate", "MUTUAL TLS needs clientCertificate and privateKey, or credentialName");
            if (!Set(tls.PrivateKey)) sink.Error($"{path}.privateKey", "MUTUAL TLS needs clientCertificate and privateKey, or credentialName");
        }
        if (tls.Mode is "ISTIO_MUTUAL" or "DISABLE")
            foreach (var (field, value) in new[] { ("clientCertificate", tls.ClientCertificate), ("privateKey", tls.PrivateKey), ("caCertificates", tls.CaCertificates), ("credentialName", tls.CredentialName) })
                if (Set(value))
                    sink.Warning($"{path}.{field}", tls.Mode == "DISABLE"
                        ? $"{field} is ignored: mode DISABLE sends plaintext"
                        : $"{field} is ignored: ISTIO_MUTUAL uses the workload's own certificate and the mesh root");
        if (tls.Mode == "SIMPLE" && (Set(tls.ClientCertificate) || Set(tls.PrivateKey)))
            sink.Warning($"{path}.clientCertificate", "clientCertificate and privateKey are ignored in SIMPLE mode: use MUTUAL to present a client certificate");
    }

    private static bool Set(string? value) => !string.IsNullOrEmpty(value);
}
