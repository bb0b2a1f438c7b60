namespace Trellis.Config.Validation;

/// <summary>The cipher suites Envoy (BoringSSL) accepts in tls_params.cipher_suites, as Istio lists them
/// (pkg/security ValidCipherSuites). TLS 1.3 suites are not configurable, in Envoy or here.</summary>
internal static class TlsCipherSuites
{
    public static readonly string[] Known =
    [
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
        "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305", "ECDHE-PSK-CHACHA20-POLY1305",
        "ECDHE-ECDSA-AES128-SHA", "ECDHE-RSA-AES128-SHA", "ECDHE-PSK-AES128-CBC-SHA", "ECDHE-ECDSA-AES256-SHA", "ECDHE-RSA-AES256-SHA",
        "ECDHE-PSK-AES256-CBC-SHA", "AES128-GCM-SHA256", "AES256-GCM-SHA384", "AES128-SHA", "PSK-AES128-CBC-SHA", "AES256-SHA",
        "PSK-AES256-CBC-SHA", "DES-CBC3-SHA",
    ];

    /// <summary>A suite, or BoringSSL's equal-preference group "[A|B]" of known suites.</summary>
    public static bool IsKnown(string suite)
    {
        if (suite.Length > 2 && suite[0] == '[' && suite[^1] == ']')
            return suite[1..^1].Split('|').All(s => Known.Contains(s, StringComparer.Ordinal));
        return Known.Contains(suite, StringComparer.Ordinal);
    }
}
