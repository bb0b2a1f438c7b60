using Trellis.Xds;
namespace Trellis.ControlPlane.Identity;

/// <summary>How the control plane's CA and token verification are set up.</summary>
/// <param name="Directory">Where the self-signed root and its key are kept (the mesh home's <c>identity/</c>).</param>
/// <param name="CaCertsDirectory">A plug-in CA folder as Istio's <c>cacerts</c> (ca-cert.pem, ca-key.pem, root-cert.pem,
/// cert-chain.pem); null for the self-signed root.</param>
/// <param name="TokenKeyPath">The key pod tokens are signed with (see <see cref="PodTokenAuthority"/>).</param>
/// <param name="DefaultCertTtl">A workload certificate's lifetime when the request names none (Istio's DEFAULT_WORKLOAD_CERT_TTL).</param>
/// <param name="MaxCertTtl">The longest lifetime a request may ask for (Istio's MAX_WORKLOAD_CERT_TTL).</param>
/// <param name="RootKeyAlgorithm">The self-signed root's key: <c>ECDSA</c> (P-256, the default) or <c>RSA</c> (2048 bits).</param>
public sealed record IdentityOptions(
    string Directory,
    string? CaCertsDirectory,
    string TokenKeyPath,
    TimeSpan DefaultCertTtl,
    TimeSpan MaxCertTtl,
    string RootKeyAlgorithm = IdentityOptions.Ecdsa)
{
    public const string Ecdsa = "ECDSA";
    public const string Rsa = "RSA";

    public static readonly TimeSpan IstioDefaultCertTtl = TimeSpan.FromHours(24);
    public static readonly TimeSpan IstioMaxCertTtl = TimeSpan.FromDays(90);

    /// <summary>Reads Istio's knobs from the environment: DEFAULT_WORKLOAD_CERT_TTL, MAX_WORKLOAD_CERT_TTL (Go
    /// durations) and TRELLIS_CA_KEY_ALGORITHM (ECDSA or RSA). A value that does not parse is an error, not a default.</summary>
    public static IdentityOptions FromEnvironment(string directory, string? caCertsDirectory, string tokenKeyPath, Func<string, string?> env)
    {
        var ttl = Duration(env, "DEFAULT_WORKLOAD_CERT_TTL", IstioDefaultCertTtl);
        var max = Duration(env, "MAX_WORKLOAD_CERT_TTL", IstioMaxCertTtl);
        var algorithm = (env("TRELLIS_CA_KEY_ALGORITHM") ?? Ecdsa).ToUpperInvariant();
        if (algorithm is not (Ecdsa or Rsa))
            throw new IdentityConfigurationException($"TRELLIS_CA_KEY_ALGORITHM={algorithm}: expected ECDSA or RSA");
        return new IdentityOptions(directory, caCertsDirectory, tokenKeyPath, ttl < max ? ttl : max, max, algorithm);
    }

    private static TimeSpan Duration(Func<string, string?> env, string name, TimeSpan fallback)
    {
        var text = env(name);
        if (string.IsNullOrEmpty(text)) return fallback;
        return GoDuration.TryParse(text, out var value)
            ? value
            : throw new IdentityConfigurationException($"{name}={text}: expected a duration such as 24h, 30m or 90s");
    }
}
