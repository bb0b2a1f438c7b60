using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Trellis.EndToEnd.Harness;

/// <summary>An identity provider on loopback for scenarios: it serves its public keys at <see cref="JwksUri"/>
/// (which the control plane fetches) and mints RS256 tokens signed by hand.</summary>
internal sealed class JwtIssuer : IAsyncDisposable
{
    private readonly RSA _key = RSA.Create(2048);
    private WebApplication _app = null!;

    public string Issuer => "testing@secure.istio.io";
    public string JwksUri { get; private set; } = "";

    public static async Task<JwtIssuer> StartAsync()
    {
        var issuer = new JwtIssuer();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        issuer._app = builder.Build();
        var jwks = issuer.Jwks();
        issuer._app.MapGet("/jwks.json", () => Results.Text(jwks, "application/json"));
        await issuer._app.StartAsync();
        issuer.JwksUri = $"{issuer._app.Urls.First()}/jwks.json";
        return issuer;
    }

    private string Jwks()
    {
        var p = _key.ExportParameters(false);
        return JsonSerializer.Serialize(new { keys = new[] { new { kty = "RSA", kid = "e2e", e = B64(p.Exponent!), n = B64(p.Modulus!) } } });
    }

    public string Token(string subject, string group)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = B64(JsonSerializer.SerializeToUtf8Bytes(new { alg = "RS256", kid = "e2e", typ = "JWT" }));
        var payload = B64(JsonSerializer.SerializeToUtf8Bytes(new { iss = Issuer, sub = subject, groups = new[] { group }, iat = now, exp = now + 3600 }));
        var signature = _key.SignData(Encoding.ASCII.GetBytes($"{header}.{payload}"), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{header}.{payload}.{B64(signature)}";
    }

    /// <summary>A token of this issuer whose payload was rewritten to another subject after signing.</summary>
    public string Forged(string subject)
    {
        var parts = Token("alice", "readers").Split('.');
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var payload = B64(JsonSerializer.SerializeToUtf8Bytes(new { iss = Issuer, sub = subject, groups = new[] { "admins" }, iat = now, exp = now + 3600 }));
        return $"{parts[0]}.{payload}.{parts[2]}";
    }

    private static string B64(byte[] bytes) => Base64Url.EncodeToString(bytes);

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _key.Dispose();
    }
}
