using Envoy.Extensions.TransportSockets.Tls.V3;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Tls;

namespace Trellis.Proxy.Secrets;

/// <summary>Envoy Secret resources (SDS over ADS, or a bootstrap's static_resources.secrets) as the store holds them:
/// tls_certificate as a <see cref="CertificateSecret"/>, validation_context as a <see cref="ValidationSecret"/>. Kinds and
/// fields the proxy cannot apply are refused by name, so a secret is never half-applied.</summary>
internal static class SecretResources
{
    public static object Compile(Secret secret, string where)
    {
        if (secret.Name.Length == 0) throw new ConfigException($"{where}: a secret needs a name");
        var at = $"{where} \"{secret.Name}\"";
        switch (secret.TypeCase)
        {
            case Secret.TypeOneofCase.TlsCertificate:
                return PemCertificates.Certificate(secret.TlsCertificate, $"{at} tls_certificate");
            case Secret.TypeOneofCase.ValidationContext:
                var context = secret.ValidationContext;
                var field = $"{at} validation_context";
                if (context.MatchSubjectAltNames.Count > 0 || context.MatchTypedSubjectAltNames.Count > 0 || context.VerifyCertificateHash.Count > 0
                    || context.VerifyCertificateSpki.Count > 0 || context.Crl is not null || context.AllowExpiredCertificate)
                    throw new ConfigException($"{field}: only trusted_ca is supported in a validation secret (match SANs in the TLS context)");
                return PemCertificates.TrustedCas(DataSources.ReadText(context.TrustedCa, field, "trusted_ca"), field);
            default:
                throw new ConfigException($"{at}: {secret.TypeCase} secrets are not supported (tls_certificate or validation_context)");
        }
    }

    /// <summary>Validates every secret first, then puts them all in the store (a refused one throws, and nothing changes).</summary>
    public static void Apply(IReadOnlyList<Secret> secrets, SecretStore store, string where)
    {
        var compiled = new List<(string, object)>(secrets.Count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var secret in secrets)
        {
            if (!names.Add(secret.Name)) throw new ConfigException($"{where}: two secrets are named \"{secret.Name}\"");
            compiled.Add((secret.Name, Compile(secret, where)));
        }
        foreach (var (name, value) in compiled)
        {
            if (value is CertificateSecret certificate) store.Set(name, certificate);
            else store.Set(name, (ValidationSecret)value);
        }
    }
}
