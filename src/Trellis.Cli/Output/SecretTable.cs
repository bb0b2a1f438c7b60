using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Trellis.Proxy.Identity;

namespace Trellis.Cli.Output;

/// <summary>`trellis proxy-config secret`: a proxy's SecretsConfigDump in istioctl's columns, plus the SPIFFE ID each
/// certificate names.</summary>
internal static class SecretTable
{
    public static void Print(JsonNode? part, DateTimeOffset now) =>
        Printer.Table(["resource name", "type", "status", "valid cert", "serial number", "not after", "not before", "spiffe id"], Rows(part, now));

    public static IEnumerable<IReadOnlyList<string>> Rows(JsonNode? part, DateTimeOffset now)
    {
        foreach (var item in part?["dynamic_active_secrets"]?.AsArray() ?? [])
        {
            var secret = item?["secret"];
            var name = item?["name"]?.ToString() ?? "";
            var (type, pem) = secret?["tls_certificate"]?["certificate_chain"]?["inline_bytes"] is { } chain
                ? ("Cert Chain", chain.ToString())
                : ("CA", secret?["validation_context"]?["trusted_ca"]?["inline_bytes"]?.ToString());
            var certificates = Certificates(pem);
            if (certificates.Count == 0)
            {
                yield return [name, type, "WARMING", "false", "", "", "", ""];
                continue;
            }
            var first = certificates[0];
            var valid = now >= first.NotBefore.ToUniversalTime() && now <= first.NotAfter.ToUniversalTime();
            yield return [name, type, "ACTIVE", valid ? "true" : "false", Serial(first), Time(first.NotAfter), Time(first.NotBefore), SpiffeIds.Of(first) ?? ""];
        }
    }

    private static X509Certificate2Collection Certificates(string? base64)
    {
        var collection = new X509Certificate2Collection();
        if (string.IsNullOrEmpty(base64)) return collection;
        try
        {
            collection.ImportFromPem(Encoding.UTF8.GetString(Convert.FromBase64String(base64)));
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            // Shown as a secret without a usable certificate rather than failing the whole listing.
        }
        return collection;
    }

    // As istioctl prints it: the serial as an unsigned integer in lowercase hex.
    private static string Serial(X509Certificate2 certificate) =>
        new BigInteger(certificate.SerialNumberBytes.Span, isUnsigned: true, isBigEndian: true).ToString("x", CultureInfo.InvariantCulture).TrimStart('0') is { Length: > 0 } hex ? hex : "0";

    private static string Time(DateTime value) => value.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
