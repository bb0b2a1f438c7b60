using Trellis.Config.Model.Networking;

namespace Trellis.Config.Model.Security;

/// <summary>Istio RequestAuthentication: the JWTs a workload accepts. A request with a token that fails every rule is
/// rejected (401); a request without one passes, and AuthorizationPolicy decides through requestPrincipals.</summary>
public sealed record RequestAuthenticationSpec
{
    public WorkloadSelector? Selector { get; init; }
    public PolicyTargetReference? TargetRef { get; init; }
    public IReadOnlyList<PolicyTargetReference>? TargetRefs { get; init; }
    public IReadOnlyList<JwtRule>? JwtRules { get; init; }
}

/// <summary>Istio JWTRule: one issuer, the keys that verify its tokens and where tokens are found.</summary>
public sealed record JwtRule
{
    public string? Issuer { get; init; }
    public IReadOnlyList<string>? Audiences { get; init; }
    public string? JwksUri { get; init; }
    public string? Jwks { get; init; }
    public IReadOnlyList<JwtHeader>? FromHeaders { get; init; }
    public IReadOnlyList<string>? FromParams { get; init; }
    public IReadOnlyList<string>? FromCookies { get; init; }
    public string? OutputPayloadToHeader { get; init; }
    public bool? ForwardOriginalToken { get; init; }
    public IReadOnlyList<ClaimToHeader>? OutputClaimToHeaders { get; init; }
    public TimeSpan? Timeout { get; init; }
}

/// <summary>A header a token is read from; the prefix (such as "Bearer ") is stripped first.</summary>
public sealed record JwtHeader
{
    public string? Name { get; init; }
    public string? Prefix { get; init; }
}

/// <summary>Copies a claim of a verified token into a request header.</summary>
public sealed record ClaimToHeader
{
    public string? Header { get; init; }
    public string? Claim { get; init; }
}
