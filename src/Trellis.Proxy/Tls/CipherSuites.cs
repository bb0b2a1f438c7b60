using System.Net.Security;
using Trellis.Proxy.Configuration;

namespace Trellis.Proxy.Tls;

/// <summary>Envoy's cipher_suites use OpenSSL names and "[A|B]" equal-preference groups; .NET wants IANA suites. They
/// govern TLS 1.2 and below only (as in Envoy), so TLS 1.3's suites are always kept.</summary>
internal static class CipherSuites
{
    private static readonly Dictionary<string, TlsCipherSuite> Known = new(StringComparer.Ordinal)
    {
        ["ECDHE-ECDSA-AES128-GCM-SHA256"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        ["ECDHE-RSA-AES128-GCM-SHA256"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        ["ECDHE-ECDSA-AES256-GCM-SHA384"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        ["ECDHE-RSA-AES256-GCM-SHA384"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        ["ECDHE-ECDSA-CHACHA20-POLY1305"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        ["ECDHE-RSA-CHACHA20-POLY1305"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        ["ECDHE-ECDSA-AES128-SHA"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
        ["ECDHE-RSA-AES128-SHA"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
        ["ECDHE-ECDSA-AES256-SHA"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
        ["ECDHE-RSA-AES256-SHA"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
        ["AES128-GCM-SHA256"] = TlsCipherSuite.TLS_RSA_WITH_AES_128_GCM_SHA256,
        ["AES256-GCM-SHA384"] = TlsCipherSuite.TLS_RSA_WITH_AES_256_GCM_SHA384,
        ["AES128-SHA"] = TlsCipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA,
        ["AES256-SHA"] = TlsCipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA,
    };

    private static readonly TlsCipherSuite[] Tls13 =
        [TlsCipherSuite.TLS_AES_128_GCM_SHA256, TlsCipherSuite.TLS_AES_256_GCM_SHA384, TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256];

    public static CipherSuitesPolicy Compile(IReadOnlyList<string> names, string where)
    {
        var suites = new List<TlsCipherSuite>(Tls13);
        for (var i = 0; i < names.Count; i++)
        {
            var entry = names[i];
            var group = entry.StartsWith('[') && entry.EndsWith(']') ? entry[1..^1].Split('|') : [entry];
            foreach (var name in group)
            {
                if (!Known.TryGetValue(name, out var suite))
                    throw new ConfigException($"{where}[{i}]: cipher suite \"{name}\" is not supported");
                if (!suites.Contains(suite)) suites.Add(suite);
            }
        }
        if (OperatingSystem.IsWindows()) throw new ConfigException($"{where}: this platform cannot restrict cipher suites");
        return new CipherSuitesPolicy(suites);
    }
}
