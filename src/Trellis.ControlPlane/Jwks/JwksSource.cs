namespace Trellis.ControlPlane.Jwks;

/// <summary>Where a rule's keys come from: its jwksUri, or (issuer only) the jwks_uri of the issuer's OpenID discovery document.</summary>
internal sealed record JwksSource(string? JwksUri, string Issuer, TimeSpan Timeout)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The cache key: the URI, or the issuer when discovery finds the URI.</summary>
    public string Key => JwksUri ?? $"{Issuer.TrimEnd('/')}/.well-known/openid-configuration";
}

/// <summary>The state of one source: the last good JWKS (kept through failed refreshes), else why there is none.</summary>
internal sealed record JwksState(string? Jwks, string? Error)
{
    public static readonly JwksState Pending = new(null, "not fetched yet");
}

/// <summary>What translation reads: the current keys of a source, never blocking on the network.</summary>
internal interface IJwksLookup
{
    JwksState Lookup(JwksSource source);
}

/// <summary>No fetcher (tests, tools): every remote JWKS is unavailable, so its tokens are refused.</summary>
internal sealed class NoJwksLookup : IJwksLookup
{
    public static readonly NoJwksLookup Instance = new();

    public JwksState Lookup(JwksSource source) => new(null, "the control plane fetches no JWKS here");
}
