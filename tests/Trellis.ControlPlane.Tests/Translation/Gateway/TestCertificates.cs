using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Trellis.ControlPlane.Tests.Translation.Gateway;

/// <summary>A self-signed certificate and key as PEM, and the Secret YAML a user would apply for it.</summary>
internal static class TestCertificates
{
    public static (string Cert, string Key) Create(string host)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return (cert.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    public static string TlsSecret(string name, string ns, (string Cert, string Key) pair, string? ca = null) => $"""
        apiVersion: v1
        kind: Secret
        metadata: {"{"}name: {name}, namespace: {ns}{"}"}
        type: kubernetes.io/tls
        data:
          tls.crt: {Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(pair.Cert))}
          tls.key: {Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(pair.Key))}
        """ + (ca is null ? "" : $"\n  ca.crt: {Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(ca))}\n");

    public static string GenericSecret(string name, string ns, string key, string value) => $"""
        apiVersion: v1
        kind: Secret
        metadata: {"{"}name: {name}, namespace: {ns}{"}"}
        type: Opaque
        data:
          {key}: {Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(value))}
        """;
}
