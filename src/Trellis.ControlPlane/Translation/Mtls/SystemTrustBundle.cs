namespace Trellis.ControlPlane.Translation.Mtls;

/// <summary>The operating system's CA bundle, which Istio verifies a SIMPLE or MUTUAL destination against when the
/// DestinationRule names no CA (VERIFY_CERTIFICATE_AT_CLIENT). The proxies run on this machine, so the first bundle
/// found here is theirs; when none is found the first path is named anyway, so the proxy refuses the cluster (and
/// says which file is missing) rather than skipping verification.</summary>
internal static class SystemTrustBundle
{
    private static readonly string[] Candidates =
    [
        "/etc/ssl/certs/ca-certificates.crt",
        "/etc/pki/tls/certs/ca-bundle.crt",
        "/etc/ssl/ca-bundle.pem",
        "/etc/pki/tls/cacert.pem",
        "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
        "/etc/ssl/cert.pem",
    ];

    public static string Path { get; } = Candidates.FirstOrDefault(File.Exists) ?? Candidates[0];
}
