using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Envoy.Config.Core.V3;
using Envoy.Extensions.TransportSockets.Tls.V3;
using Google.Protobuf;
using Trellis.Config.Model.Core;
using Trellis.ControlPlane.Mesh;

namespace Trellis.ControlPlane.Translation.Gateway;

/// <summary>A gateway server's <c>credentialName</c>, resolved as istiod's SDS server resolves it: Kubernetes Secrets
/// in the gateway proxy's own namespace become the Envoy Secrets <c>kubernetes://NAME</c> (certificate and key) and
/// <c>kubernetes://NAME-cacert</c> (the CA that verifies clients), never Secrets of any other namespace.</summary>
internal static class GatewayCredentials
{
    public const string Prefix = "kubernetes://";
    public const string CaSuffix = "-cacert";

    public static string CertificateName(string credential) => Prefix + credential;
    public static string ValidationName(string credential) => Prefix + credential + CaSuffix;

    /// <summary>The keys Istio reads: a kubernetes.io/tls Secret's, or a generic Secret's.</summary>
    private static readonly (string Tls, string Generic) Cert = ("tls.crt", "cert"), Key = ("tls.key", "key"), Ca = ("ca.crt", "cacert"), Crl = ("ca.crl", "crl");

    /// <summary>The certificate Secret for <paramref name="credential"/> in <paramref name="ns"/>; null with why not.
    /// The reason names the Secret and the keys, never their contents.</summary>
    public static Secret? Certificate(MeshModel mesh, string ns, string credential, out string? problem)
    {
        problem = null;
        if (Find(mesh, ns, credential) is not { } data)
        {
            problem = $"credentialName \"{credential}\": no Secret \"{credential}\" in namespace {ns}, where the gateway runs";
            return null;
        }
        var cert = Value(data, Cert);
        var key = Value(data, Key);
        if (cert is null || key is null)
        {
            problem = $"credentialName \"{credential}\": Secret {ns}/{credential} needs tls.crt and tls.key (or cert and key)";
            return null;
        }
        if (!IsKeyPair(cert, key))
        {
            problem = $"credentialName \"{credential}\": Secret {ns}/{credential} does not hold a PEM certificate chain and its matching private key";
            return null;
        }
        return new Secret
        {
            Name = CertificateName(credential),
            TlsCertificate = new TlsCertificate
            {
                CertificateChain = new DataSource { InlineBytes = ByteString.CopyFrom(cert) },
                PrivateKey = new DataSource { InlineBytes = ByteString.CopyFrom(key) },
            },
        };
    }

    /// <summary>The client CA for MUTUAL: from the Secret NAME-cacert if it exists, else the ca.crt (or cacert) of
    /// NAME itself, as istiod looks them up; null with why not.</summary>
    public static Secret? Validation(MeshModel mesh, string ns, string credential, out string? problem)
    {
        problem = null;
        var separate = Find(mesh, ns, credential + CaSuffix);
        var from = separate is null ? credential : credential + CaSuffix;
        var data = separate ?? Find(mesh, ns, credential);
        var ca = data is null ? null : Value(data, Ca);
        if (ca is null)
        {
            problem = $"credentialName \"{credential}\": MUTUAL TLS needs a CA to verify clients: ca.crt (or cacert) in Secret {ns}/{credential} " +
                      $"or a Secret {ns}/{credential}{CaSuffix}";
            return null;
        }
        if (!IsCertificates(ca))
        {
            problem = $"credentialName \"{credential}\": the CA in Secret {ns}/{from} is not PEM certificates";
            return null;
        }
        var context = new CertificateValidationContext { TrustedCa = new DataSource { InlineBytes = ByteString.CopyFrom(ca) } };
        if (Value(data!, Crl) is { } crl) context.Crl = new DataSource { InlineBytes = ByteString.CopyFrom(crl) };
        return new Secret { Name = ValidationName(credential), ValidationContext = context };
    }

    private static IReadOnlyDictionary<string, byte[]>? Find(MeshModel mesh, string ns, string name)
    {
        foreach (var resource in mesh.OfKind("Secret"))
        {
            if (resource.Metadata.Name != name || (resource.Metadata.Namespace ?? "default") != ns || resource.Spec is not SecretSpec spec) continue;
            var data = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (var (k, v) in spec.Data ?? [])
            {
                try
                {
                    data[k] = Convert.FromBase64String(v);
                }
                catch (FormatException)
                {
                    // Validation refuses such a Secret; a key that cannot be read is a key that is missing.
                }
            }
            // As in Kubernetes, stringData is merged over data.
            foreach (var (k, v) in spec.StringData ?? []) data[k] = Encoding.UTF8.GetBytes(v);
            return data;
        }
        return null;
    }

    private static byte[]? Value(IReadOnlyDictionary<string, byte[]> data, (string Tls, string Generic) key) =>
        data.TryGetValue(key.Tls, out var tls) && tls.Length > 0 ? tls : data.TryGetValue(key.Generic, out var generic) && generic.Length > 0 ? generic : null;

    private static bool IsKeyPair(byte[] cert, byte[] key)
    {
        try
        {
            using var pair = X509Certificate2.CreateFromPem(Encoding.UTF8.GetString(cert), Encoding.UTF8.GetString(key));
            return true;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return false;
        }
    }

    private static bool IsCertificates(byte[] pem)
    {
        try
        {
            var collection = new X509Certificate2Collection();
            collection.ImportFromPem(Encoding.UTF8.GetString(pem));
            var any = collection.Count > 0;
            foreach (var c in collection) c.Dispose();
            return any;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
