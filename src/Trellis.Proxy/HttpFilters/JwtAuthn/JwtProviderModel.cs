using System.Collections.Frozen;
using Microsoft.IdentityModel.Tokens;

namespace Trellis.Proxy.HttpFilters.JwtAuthn;

/// <summary>One compiled jwt_authn provider: whose tokens it accepts, the keys and algorithms that verify them (a
/// TokenValidationParameters built once per push), and what a verified token adds to the request.</summary>
internal sealed record JwtProviderModel(
    string Name,
    string Issuer,
    FrozenSet<string> Audiences,
    IReadOnlyList<JwtKey> Keys,
    TokenValidationParameters Validation,
    bool Forward,
    string? PayloadHeader,
    bool PadPayloadHeader,
    string? PayloadInMetadata,
    TimeSpan ClockSkew,
    IReadOnlyList<(string Header, string[] ClaimPath)> ClaimHeaders);

/// <summary>A key of the provider's JWKS with the algorithms it may verify (RSA keys never verify HMAC: no key confusion).</summary>
internal sealed record JwtKey(string? Kid, FrozenSet<string> Algorithms, SecurityKey Key);
