using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Trellis.Proxy.Tests.HttpFilters.JwtAuthn;

/// <summary>An identity provider for tests: an RSA or P-256 key, its public JWKS, and tokens signed by hand
/// (independently of the library under test), including the malicious ones of the attack corpus.</summary>
internal sealed class TestIssuer : IDisposable
{
    private readonly RSA? _rsa;
    private readonly ECDsa? _ec;

    private TestIssuer(string issuer, string kid, RSA? rsa, ECDsa? ec)
    {
        Issuer = issuer;
        Kid = kid;
        _rsa = rsa;
        _ec = ec;
    }

    public string Issuer { get; }
    public string Kid { get; }

    public static TestIssuer Rsa(string issuer = "testing@secure.istio.io", string kid = "rsa-1") => new(issuer, kid, RSA.Create(2048), null);

    public static TestIssuer Ec(string issuer = "https://ec.example.com", string kid = "ec-1") => new(issuer, kid, null, ECDsa.Create(ECCurve.NamedCurves.nistP256));

    public string Jwks => JsonSerializer.Serialize(new { keys = new[] { PublicJwk() } });

    private Dictionary<string, string> PublicJwk()
    {
        if (_rsa is not null)
        {
            var p = _rsa.ExportParameters(false);
            return new() { ["kty"] = "RSA", ["kid"] = Kid, ["n"] = B64(p.Modulus!), ["e"] = B64(p.Exponent!) };
        }
        var e = _ec!.ExportParameters(false);
        return new() { ["kty"] = "EC", ["crv"] = "P-256", ["kid"] = Kid, ["x"] = B64(e.Q.X!), ["y"] = B64(e.Q.Y!) };
    }

    /// <summary>A token of this issuer for subject "alice", valid for an hour unless claims override.</summary>
    public string Token(object? claims = null, string? kid = null)
    {
        var payload = Payload(claims);
        var alg = _rsa is not null ? "RS256" : "ES256";
        var signingInput = $"{B64(Header(alg, kid ?? Kid))}.{B64(payload)}";
        var data = Encoding.ASCII.GetBytes(signingInput);
        var signature = _rsa is not null
            ? _rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : _ec!.SignData(data, HashAlgorithmName.SHA256);
        return $"{signingInput}.{B64(signature)}";
    }

    /// <summary>alg "none" with an empty signature.</summary>
    public string UnsignedToken() => $"{B64(Header("none", Kid))}.{B64(Payload(null))}.";

    /// <summary>Key confusion: HS256 "signed" with the public key's JWK as the HMAC secret.</summary>
    public string HmacWithPublicKey()
    {
        var signingInput = $"{B64(Header("HS256", Kid))}.{B64(Payload(null))}";
        var secret = Encoding.UTF8.GetBytes(Jwks);
        return $"{signingInput}.{B64(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(signingInput)))}";
    }

    private static byte[] Header(string alg, string kid) => JsonSerializer.SerializeToUtf8Bytes(new { alg, kid, typ = "JWT" });

    private byte[] Payload(object? claims)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var payload = new Dictionary<string, object?> { ["iss"] = Issuer, ["sub"] = "alice", ["iat"] = now, ["exp"] = now + 3600 };
        if (claims is not null)
            foreach (var property in JsonSerializer.SerializeToElement(claims).EnumerateObject())
                payload[property.Name] = property.Value.ValueKind == JsonValueKind.Null ? null : property.Value;
        foreach (var key in payload.Where(kv => kv.Value is null).Select(kv => kv.Key).ToList()) payload.Remove(key);
        return JsonSerializer.SerializeToUtf8Bytes(payload);
    }

    public static string B64(byte[] bytes) => Base64Url.EncodeToString(bytes);

    public void Dispose()
    {
        _rsa?.Dispose();
        _ec?.Dispose();
    }
}
