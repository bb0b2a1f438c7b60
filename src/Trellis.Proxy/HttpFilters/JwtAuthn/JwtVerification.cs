using Microsoft.IdentityModel.JsonWebTokens;

namespace Trellis.Proxy.HttpFilters.JwtAuthn;

/// <summary>One request's tokens checked against the providers that read their locations, then the requirement
/// evaluated as Envoy's verifiers do. Signatures are checked once per (location, provider) before evaluation.</summary>
internal sealed class JwtVerification
{
    private static readonly JsonWebTokenHandler Handler = new() { MaximumTokenSizeInBytes = ParsedJwt.MaxTokenLength };

    private readonly JwtAuthnPolicy _policy;
    private readonly string?[] _tokens;
    private readonly long _now;
    private readonly JwtStatus[] _parse;
    private readonly ParsedJwt?[] _parsed;
    private readonly Dictionary<(int Location, int Provider), JwtStatus> _checked = [];

    public JwtVerification(JwtAuthnPolicy policy, string?[] tokens, long now)
    {
        _policy = policy;
        _tokens = tokens;
        _now = now;
        _parse = new JwtStatus[tokens.Length];
        _parsed = new ParsedJwt?[tokens.Length];
        for (var i = 0; i < tokens.Length; i++)
            _parse[i] = tokens[i] is { } token ? ParsedJwt.TryParse(token, out _parsed[i]) : JwtStatus.JwtMissed;
    }

    /// <summary>The (location, provider) pairs whose token verified, in the order they verified.</summary>
    public List<(int Location, int Provider)> Verified { get; } = [];

    public ParsedJwt TokenAt(int location) => _parsed[location]!;

    public async Task VerifySignaturesAsync()
    {
        for (var l = 0; l < _tokens.Length; l++)
        {
            if (_parsed[l] is not { } jwt) continue;
            foreach (var p in _policy.Locations[l].Providers)
            {
                var provider = _policy.Providers[p];
                if (!IssuerMatches(provider, jwt)) continue;
                _checked[(l, p)] = await SignatureAsync(provider, jwt);
            }
        }
    }

    public JwtStatus Evaluate(JwtRequirementModel requirement) => requirement switch
    {
        JwtRequirementModel.Provider p => ProviderStatus(p.Index, p.Audiences),
        JwtRequirementModel.Any any => AnyStatus(any),
        JwtRequirementModel.All all => AllStatus(all),
        JwtRequirementModel.AllowMissing => AllowMissingStatus(),
        JwtRequirementModel.AllowMissingOrFailed => AllowMissingOrFailedStatus(),
        _ => JwtStatus.JwtVerificationFail,
    };

    private JwtStatus ProviderStatus(int provider, IReadOnlySet<string>? audiences)
    {
        var found = false;
        for (var l = 0; l < _tokens.Length; l++)
        {
            if (_tokens[l] is null || !_policy.Locations[l].Providers.Contains(provider)) continue;
            found = true;
            var status = Status(l, provider, audiences);
            // Every token must verify, or a bad token could ride to the backend beside a good one.
            if (status != JwtStatus.Ok) return status;
        }
        return found ? JwtStatus.Ok : JwtStatus.JwtMissed;
    }

    private JwtStatus AnyStatus(JwtRequirementModel.Any any)
    {
        var final = JwtStatus.JwtMissed;
        var ok = false;
        foreach (var child in any.Children)
        {
            var status = Evaluate(child);
            if (status == JwtStatus.Ok) ok = true;
            else if (status is not (JwtStatus.JwtMissed or JwtStatus.JwtUnknownIssuer)) final = status;
        }
        return ok ? JwtStatus.Ok : final;
    }

    private JwtStatus AllStatus(JwtRequirementModel.All all)
    {
        foreach (var child in all.Children)
            if (Evaluate(child) is var status and not JwtStatus.Ok) return status;
        return JwtStatus.Ok;
    }

    /// <summary>Missing tokens and tokens of issuers no provider reads at their location pass; present invalid ones fail.</summary>
    private JwtStatus AllowMissingStatus()
    {
        for (var l = 0; l < _tokens.Length; l++)
        {
            if (_tokens[l] is null) continue;
            if (_parsed[l] is null) return _parse[l];
            if (ProviderFor(l) is not { } provider) continue;
            if (Status(l, provider, null) is var status and not JwtStatus.Ok) return status;
        }
        return JwtStatus.Ok;
    }

    private JwtStatus AllowMissingOrFailedStatus()
    {
        for (var l = 0; l < _tokens.Length; l++)
            if (_parsed[l] is not null && ProviderFor(l) is { } provider) Status(l, provider, null);
        return JwtStatus.Ok;
    }

    private int? ProviderFor(int location)
    {
        foreach (var p in _policy.Locations[location].Providers)
            if (IssuerMatches(_policy.Providers[p], _parsed[location]!)) return p;
        return null;
    }

    /// <summary>Envoy's order: format, issuer, time, audience, then key and signature.</summary>
    private JwtStatus Status(int location, int index, IReadOnlySet<string>? audiences)
    {
        if (_parsed[location] is not { } jwt) return _parse[location];
        var provider = _policy.Providers[index];
        if (!IssuerMatches(provider, jwt)) return JwtStatus.JwtUnknownIssuer;
        var skew = (long)provider.ClockSkew.TotalSeconds;
        if (jwt.NotBefore is { } nbf && nbf > _now + skew) return JwtStatus.JwtNotYetValid;
        if (jwt.Expires is { } exp && exp < _now - skew) return JwtStatus.JwtExpired;
        var allowed = audiences ?? provider.Audiences;
        if (allowed.Count > 0 && !AnyAllowed(jwt.Audiences, allowed)) return JwtStatus.JwtAudienceNotAllowed;
        var status = _checked.GetValueOrDefault((location, index), JwtStatus.JwtVerificationFail);
        if (status == JwtStatus.Ok && !Verified.Contains((location, index))) Verified.Add((location, index));
        return status;
    }

    private static bool AnyAllowed(IReadOnlyList<string> audiences, IReadOnlySet<string> allowed)
    {
        foreach (var audience in audiences)
            if (allowed.Contains(audience)) return true;
        return false;
    }

    private static bool IssuerMatches(JwtProviderModel provider, ParsedJwt jwt) => provider.Issuer.Length == 0 || provider.Issuer == jwt.Issuer;

    private static async Task<JwtStatus> SignatureAsync(JwtProviderModel provider, ParsedJwt jwt)
    {
        var candidate = false;
        foreach (var key in provider.Keys)
            if (key.Algorithms.Contains(jwt.Alg) && (jwt.Kid is null || key.Kid is null || key.Kid == jwt.Kid)) candidate = true;
        if (!candidate) return JwtStatus.JwksKidAlgMismatch;
        var result = await Handler.ValidateTokenAsync(jwt.Token, provider.Validation);
        return result.IsValid ? JwtStatus.Ok : JwtStatus.JwtVerificationFail;
    }
}
