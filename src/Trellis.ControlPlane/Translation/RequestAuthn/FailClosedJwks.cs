using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;

namespace Trellis.ControlPlane.Translation.RequestAuthn;

/// <summary>What a provider gets when its keys cannot be fetched: the public half of an RSA key whose private half
/// was thrown away when this process started, so no token can ever verify against it (istiod's fail-closed JWKS).</summary>
internal static class FailClosedJwks
{
    public static string Json { get; } = Create();

    private static string Create()
    {
        using var rsa = RSA.Create(2048);
        var p = rsa.ExportParameters(includePrivateParameters: false);
        var key = new Dictionary<string, string>
        {
            ["kty"] = "RSA",
            ["kid"] = "trellis-fail-closed",
            ["e"] = Base64Url.EncodeToString(p.Exponent),
            ["n"] = Base64Url.EncodeToString(p.Modulus),
        };
        return JsonSerializer.Serialize(new { keys = new[] { key } });
    }
}
