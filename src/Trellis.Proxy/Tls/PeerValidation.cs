using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Envoy.Extensions.TransportSockets.Tls.V3;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Secrets;
using Verification = Envoy.Extensions.TransportSockets.Tls.V3.CertificateValidationContext.Types.TrustChainVerification;

namespace Trellis.Proxy.Tls;

/// <summary>A compiled CertificateValidationContext: the trust anchors (inline trusted_ca, or an SDS validation secret
/// looked up per handshake so a rotated root applies at once), the SAN matchers, certificate hashes and SPKI pins.
/// A configured SDS secret that is absent fails the handshake: nothing is trusted rather than everything.</summary>
internal sealed class PeerValidation
{
    private readonly ValidationSecret? _inline;
    private readonly string? _sdsName;
    private readonly SecretStore _secrets;
    private readonly SanMatchers _sans;
    private readonly HashSet<string> _hashes;
    private readonly HashSet<string> _spkis;
    private readonly bool _allowExpired;
    private readonly bool _acceptUntrusted;

    private PeerValidation(ValidationSecret? inline, string? sdsName, SecretStore secrets, SanMatchers sans, HashSet<string> hashes,
        HashSet<string> spkis, bool allowExpired, bool acceptUntrusted)
    {
        (_inline, _sdsName, _secrets, _sans, _hashes, _spkis, _allowExpired, _acceptUntrusted) =
            (inline, sdsName, secrets, sans, hashes, spkis, allowExpired, acceptUntrusted);
    }

    /// <summary>True when the validation names trust anchors (a peer certificate is then required to chain to them).</summary>
    public bool VerifiesTrust => _inline is not null || _sdsName is not null;

    /// <summary>The validation of a CommonTlsContext, or null when it has none (no peer verification at all).</summary>
    public static PeerValidation? Compile(CommonTlsContext common, SecretStore secrets, string where)
    {
        switch (common.ValidationContextTypeCase)
        {
            case CommonTlsContext.ValidationContextTypeOneofCase.ValidationContext:
                return From(common.ValidationContext, null, secrets, $"{where} validation_context");
            case CommonTlsContext.ValidationContextTypeOneofCase.ValidationContextSdsSecretConfig:
                return From(null, SdsName(common.ValidationContextSdsSecretConfig, $"{where} validation_context_sds_secret_config"), secrets, where);
            case CommonTlsContext.ValidationContextTypeOneofCase.CombinedValidationContext:
                var combined = common.CombinedValidationContext;
                var field = $"{where} combined_validation_context";
                if (combined.ValidationContextSdsSecretConfig is null) throw new ConfigException($"{field}: validation_context_sds_secret_config is required");
                return From(combined.DefaultValidationContext, SdsName(combined.ValidationContextSdsSecretConfig, $"{field}.validation_context_sds_secret_config"),
                    secrets, $"{field}.default_validation_context");
            default:
                return null;
        }
    }

    public static string SdsName(SdsSecretConfig config, string where) =>
        config.Name is { Length: > 0 } name ? name : throw new ConfigException($"{where}: name is required");

    private static PeerValidation From(CertificateValidationContext? context, string? sdsName, SecretStore secrets, string where)
    {
        context ??= new CertificateValidationContext();
        if (context.Crl is not null) throw new ConfigException($"{where}: crl is not supported");
        ValidationSecret? inline = null;
        if (context.TrustedCa is not null)
        {
            if (sdsName is not null) throw new ConfigException($"{where}: trusted_ca cannot be combined with an SDS validation secret");
            inline = PemCertificates.TrustedCas(DataSources.ReadText(context.TrustedCa, where, "trusted_ca"), where);
        }
        var hashes = context.VerifyCertificateHash.Select(h => h.Replace(":", "", StringComparison.Ordinal).ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        var spkis = context.VerifyCertificateSpki.ToHashSet(StringComparer.Ordinal);
        return new PeerValidation(inline, sdsName, secrets, SanMatchers.Compile(context, where), hashes, spkis,
            context.AllowExpiredCertificate, context.TrustChainVerification == Verification.AcceptUntrusted);
    }

    /// <summary>Null when the peer's certificate passes; otherwise why not, in Envoy's words where it has them.</summary>
    /// <param name="presented">The chain the handshake built, for the intermediates the peer sent.</param>
    public string? Verify(X509Certificate2? peer, X509Chain? presented)
    {
        if (peer is null) return VerifiesTrust ? "peer did not present a certificate" : null;
        if (VerifiesTrust && !_acceptUntrusted && VerifyChain(peer, presented) is { } untrusted) return untrusted;
        if (_hashes.Count > 0 && !_hashes.Contains(Convert.ToHexStringLower(SHA256.HashData(peer.RawData))))
            return "peer certificate hash matches none of verify_certificate_hash";
        if (_spkis.Count > 0 && !_spkis.Contains(Convert.ToBase64String(SHA256.HashData(peer.PublicKey.ExportSubjectPublicKeyInfo()))))
            return "peer certificate public key matches none of verify_certificate_spki";
        return _sans.Verify(peer);
    }

    private string? VerifyChain(X509Certificate2 peer, X509Chain? presented)
    {
        ValidationSecret? anchors = _inline;
        if (anchors is null && !_secrets.TryGetValidation(_sdsName!, out anchors))
            return $"validation secret \"{_sdsName}\" is not available";
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(anchors.TrustedCas);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        if (_allowExpired) chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid | X509VerificationFlags.IgnoreCtlNotTimeValid;
        if (presented is not null)
            foreach (var element in presented.ChainElements)
                if (!element.Certificate.RawDataMemory.Span.SequenceEqual(peer.RawDataMemory.Span)) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        if (chain.Build(peer)) return null;
        var status = chain.ChainStatus.Length > 0 ? string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim())) : "untrusted";
        return $"certificate chain does not verify: {status}";
    }
}
