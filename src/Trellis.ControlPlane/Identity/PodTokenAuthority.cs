using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Trellis.ControlPlane.Identity;

/// <summary>The control plane's pod tokens, like Kubernetes' projected service-account tokens: an ES256 JWT naming a
/// pod's namespace, service account and pod, for audience <c>istio-ca</c>, valid for an hour. `trellis up` issues
/// them into each pod's secrets folder; the CA and the xDS server accept nothing else as proof of identity.</summary>
public sealed class PodTokenAuthority : IDisposable
{
    public const string Issuer = "trellis-controlplane";
    public const string Audience = "istio-ca";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    private static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    private const string ServiceAccountPrefix = "system:serviceaccount:";
    private const string PodClaim = "trellis.io/pod";
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    private readonly ECDsa _key;
    private readonly ECDsaSecurityKey _securityKey;
    private readonly TimeProvider _clock;

    private PodTokenAuthority(ECDsa key, TimeProvider clock)
    {
        _key = key;
        _securityKey = new ECDsaSecurityKey(key);
        _clock = clock;
    }

    /// <summary>The key at <paramref name="path"/> (0600), created when there is none yet.</summary>
    public static PodTokenAuthority LoadOrCreate(string path, TimeProvider? clock = null)
    {
        if (!File.Exists(path))
        {
            using var fresh = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            PrivateFile.Write(path, fresh.ExportPkcs8PrivateKeyPem());
        }
        return Load(path, clock);
    }

    /// <summary>The key at <paramref name="path"/>; throws <see cref="IdentityConfigurationException"/> naming the problem.</summary>
    public static PodTokenAuthority Load(string path, TimeProvider? clock = null)
    {
        var pem = PrivateFile.ReadOwnerOnly(path, "the pod-token signing key");
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            key.Dispose();
            throw new IdentityConfigurationException($"{path}: not a PEM ECDSA private key ({e.Message})", e);
        }
        return new PodTokenAuthority(key, clock ?? TimeProvider.System);
    }

    /// <summary>A token proving <paramref name="identity"/> until <see cref="Lifetime"/> from now.</summary>
    public string Issue(WorkloadIdentity identity, TimeSpan? lifetime = null)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + (lifetime ?? Lifetime),
            Subject = new ClaimsIdentity([
                new Claim(JwtRegisteredClaimNames.Sub, $"{ServiceAccountPrefix}{identity.Namespace}:{identity.ServiceAccount}"),
                new Claim(PodClaim, identity.Pod),
            ]),
            SigningCredentials = new SigningCredentials(_securityKey, SecurityAlgorithms.EcdsaSha256),
        });
    }

    /// <summary>When a token <see cref="Validate"/> accepted stops being accepted (its expiry plus the clock skew allowed).</summary>
    public DateTimeOffset ExpiryOf(string token) => new DateTimeOffset(new JsonWebToken(token).ValidTo, TimeSpan.Zero) + ClockSkew;

    /// <summary>The identity <paramref name="token"/> proves, or null with the reason it proves nothing.</summary>
    public WorkloadIdentity? Validate(string token, out string? error)
    {
        error = null;
        if (token.Length > 8 * 1024)
        {
            error = "the token is larger than 8 KiB";
            return null;
        }
        var result = Handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = Audience,
            IssuerSigningKey = _securityKey,
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = ClockSkew,
            LifetimeValidator = (notBefore, expires, _, p) =>
            {
                var now = _clock.GetUtcNow().UtcDateTime;
                return expires is { } e && now <= e + p.ClockSkew && (notBefore is not { } nb || now >= nb - p.ClockSkew);
            },
        }).GetAwaiter().GetResult();
        if (!result.IsValid)
        {
            error = result.Exception is SecurityTokenExpiredException or SecurityTokenInvalidLifetimeException ? "the token has expired" : "the token is not valid";
            return null;
        }
        var jwt = (JsonWebToken)result.SecurityToken;
        var subject = jwt.Subject ?? "";
        var pod = jwt.TryGetPayloadValue<string>(PodClaim, out var p) ? p : null;
        var parts = subject.StartsWith(ServiceAccountPrefix, StringComparison.Ordinal) ? subject[ServiceAccountPrefix.Length..].Split(':') : [];
        if (parts is not [{ Length: > 0 } ns, { Length: > 0 } sa] || string.IsNullOrEmpty(pod))
        {
            error = "the token does not name a namespace, service account and pod";
            return null;
        }
        return new WorkloadIdentity(ns, sa, pod);
    }

    public void Dispose() => _key.Dispose();
}
