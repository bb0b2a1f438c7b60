using System.Collections.Frozen;
using System.Text;
using System.Text.Json;
using Envoy.Extensions.Filters.Http.JwtAuthn.V3;
using Microsoft.IdentityModel.Tokens;
using Trellis.Proxy.Configuration;

namespace Trellis.Proxy.HttpFilters.JwtAuthn;

/// <summary>A compiled JwtAuthentication: providers with their keys, the token locations they read and the
/// path rules with their requirements. Built once per push; anything it cannot apply is a ConfigException (NACK),
/// so a policy is never silently dropped.</summary>
internal sealed record JwtAuthnPolicy(
    IReadOnlyList<JwtProviderModel> Providers,
    IReadOnlyList<JwtLocation> Locations,
    IReadOnlyList<JwtRuleModel> Rules,
    bool BypassCorsPreflight,
    FrozenSet<string> SanitizedHeaders)
{
    public const string FilterName = "envoy.filters.http.jwt_authn";

    private const int MaxJwksBytes = 1 << 20;

    private static readonly FrozenSet<string> RsaAlgorithms = FrozenSet.Create(StringComparer.Ordinal, "RS256", "RS384", "RS512", "PS256", "PS384", "PS512");
    private static readonly FrozenSet<string> HmacAlgorithms = FrozenSet.Create(StringComparer.Ordinal, "HS256", "HS384", "HS512");

    public static JwtAuthnPolicy From(JwtAuthentication config, string where)
    {
        if (config.RequirementMap.Count > 0) throw new ConfigException($"{where}: requirement_map is not supported by this proxy");
        var names = config.Providers.Keys.Order(StringComparer.Ordinal).ToList();
        var providers = new List<JwtProviderModel>();
        var locations = new List<JwtLocation>();
        var sanitized = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in names)
        {
            var at = $"{where}: provider {name}";
            var provider = Provider(name, config.Providers[name], at);
            providers.Add(provider);
            foreach (var location in LocationsOf(config.Providers[name]))
            {
                var shared = locations.Find(l => l.Kind == location.Kind && l.Name == location.Name && l.Prefix == location.Prefix);
                if (shared is null) locations.Add(shared = location);
                shared.Providers.Add(providers.Count - 1);
            }
            if (provider.PayloadHeader is { } payloadHeader) sanitized.Add(payloadHeader);
            foreach (var (header, _) in provider.ClaimHeaders) sanitized.Add(header);
        }
        var index = names.Select((n, i) => (n, i)).ToDictionary(e => e.n, e => e.i, StringComparer.Ordinal);
        var rules = config.Rules.Select((r, i) => Rule(r, index, $"{where}: rules[{i}]")).ToList();
        return new JwtAuthnPolicy(providers, locations, rules, config.BypassCorsPreflight, sanitized.ToFrozenSet(StringComparer.OrdinalIgnoreCase));
    }

    private static JwtRuleModel Rule(RequirementRule rule, Dictionary<string, int> providers, string where)
    {
        var match = rule.Match ?? throw new ConfigException($"{where}: match is required");
        if (match.Headers.Count > 0 || match.QueryParameters.Count > 0 || match.CaseSensitive == false)
            throw new ConfigException($"{where}: only prefix and path matches are supported by this proxy");
        var requirement = rule.RequirementTypeCase switch
        {
            RequirementRule.RequirementTypeOneofCase.Requires => Requirement(rule.Requires, providers, where),
            RequirementRule.RequirementTypeOneofCase.RequirementName => throw new ConfigException($"{where}: requirement_name is not supported by this proxy"),
            _ => null,
        };
        return match.PathSpecifierCase switch
        {
            Envoy.Config.Route.V3.RouteMatch.PathSpecifierOneofCase.Prefix => new JwtRuleModel(match.Prefix, null, requirement),
            Envoy.Config.Route.V3.RouteMatch.PathSpecifierOneofCase.Path => new JwtRuleModel(null, match.Path, requirement),
            _ => throw new ConfigException($"{where}: only prefix and path matches are supported by this proxy"),
        };
    }

    private static JwtRequirementModel Requirement(JwtRequirement requirement, Dictionary<string, int> providers, string where) =>
        requirement.RequiresTypeCase switch
        {
            JwtRequirement.RequiresTypeOneofCase.ProviderName => new JwtRequirementModel.Provider(ProviderIndex(requirement.ProviderName, providers, where), null),
            JwtRequirement.RequiresTypeOneofCase.ProviderAndAudiences => new JwtRequirementModel.Provider(
                ProviderIndex(requirement.ProviderAndAudiences.ProviderName, providers, where),
                requirement.ProviderAndAudiences.Audiences.ToFrozenSet(StringComparer.Ordinal)),
            JwtRequirement.RequiresTypeOneofCase.RequiresAny => new JwtRequirementModel.Any(
                requirement.RequiresAny.Requirements.Select(r => Requirement(r, providers, where)).ToList()),
            JwtRequirement.RequiresTypeOneofCase.RequiresAll => new JwtRequirementModel.All(
                requirement.RequiresAll.Requirements.Select(r => Requirement(r, providers, where)).ToList()),
            JwtRequirement.RequiresTypeOneofCase.AllowMissing => new JwtRequirementModel.AllowMissing(),
            JwtRequirement.RequiresTypeOneofCase.AllowMissingOrFailed => new JwtRequirementModel.AllowMissingOrFailed(),
            _ => throw new ConfigException($"{where}: an empty requirement"),
        };

    private static int ProviderIndex(string name, Dictionary<string, int> providers, string where) =>
        providers.TryGetValue(name, out var index) ? index : throw new ConfigException($"{where}: unknown provider \"{name}\"");

    private static JwtProviderModel Provider(string name, JwtProvider provider, string where)
    {
        if (provider.JwksSourceSpecifierCase != JwtProvider.JwksSourceSpecifierOneofCase.LocalJwks)
            throw new ConfigException($"{where}: only local_jwks is supported (the control plane fetches jwks_uri and inlines it)");
        var jwks = provider.LocalJwks.SpecifierCase switch
        {
            Envoy.Config.Core.V3.DataSource.SpecifierOneofCase.InlineString => provider.LocalJwks.InlineString,
            Envoy.Config.Core.V3.DataSource.SpecifierOneofCase.InlineBytes => provider.LocalJwks.InlineBytes.ToStringUtf8(),
            _ => throw new ConfigException($"{where}: local_jwks must be inline_string or inline_bytes"),
        };
        var keys = Keys(jwks, where);
        var validation = new TokenValidationParameters
        {
            // Issuer, audiences and lifetime are checked before the signature, to answer with Envoy's exact status.
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = false,
            TryAllIssuerSigningKeys = true,
            IssuerSigningKeys = keys.Select(k => k.Key).ToList(),
            ValidAlgorithms = keys.SelectMany(k => k.Algorithms).Distinct().ToList(),
        };
        var claims = provider.ClaimToHeaders.Select(c =>
        {
            if (c.HeaderName.Length == 0 || c.ClaimName.Length == 0) throw new ConfigException($"{where}: claim_to_headers needs header_name and claim_name");
            return (c.HeaderName, c.ClaimName.Split('.'));
        }).ToList();
        return new JwtProviderModel(name, provider.Issuer, provider.Audiences.ToFrozenSet(StringComparer.Ordinal), keys, validation,
            provider.Forward, NullIfEmpty(provider.ForwardPayloadHeader), provider.PadForwardPayloadHeader, NullIfEmpty(provider.PayloadInMetadata),
            TimeSpan.FromSeconds(provider.ClockSkewSeconds == 0 ? 60 : provider.ClockSkewSeconds), claims);
    }

    /// <summary>Envoy's default locations when a provider names none: the Authorization header's Bearer token and the access_token parameter.</summary>
    private static IEnumerable<JwtLocation> LocationsOf(JwtProvider provider)
    {
        if (provider.FromHeaders.Count == 0 && provider.FromParams.Count == 0 && provider.FromCookies.Count == 0)
        {
            yield return new JwtLocation(JwtLocationKind.Header, "authorization", "Bearer ");
            yield return new JwtLocation(JwtLocationKind.Param, "access_token", "");
            yield break;
        }
        foreach (var header in provider.FromHeaders) yield return new JwtLocation(JwtLocationKind.Header, header.Name.ToLowerInvariant(), header.ValuePrefix);
        foreach (var param in provider.FromParams) yield return new JwtLocation(JwtLocationKind.Param, param, "");
        foreach (var cookie in provider.FromCookies) yield return new JwtLocation(JwtLocationKind.Cookie, cookie, "");
    }

    private static List<JwtKey> Keys(string jwks, string where)
    {
        if (Encoding.UTF8.GetByteCount(jwks) > MaxJwksBytes) throw new ConfigException($"{where}: local_jwks is over {MaxJwksBytes} bytes");
        JsonWebKeySet set;
        try
        {
            set = new JsonWebKeySet(jwks);
        }
        catch (Exception e) when (e is ArgumentException or JsonException or InvalidOperationException)
        {
            throw new ConfigException($"{where}: local_jwks is not a JWKS: {e.Message.Split('\n')[0]}");
        }
        var keys = new List<JwtKey>();
        foreach (var key in set.Keys)
        {
            if (key.Use is { Length: > 0 } use && use != "sig") continue;
            var algorithms = AlgorithmsOf(key);
            if (algorithms.Count == 0) continue;
            keys.Add(new JwtKey(NullIfEmpty(key.Kid), algorithms, key));
        }
        if (keys.Count == 0) throw new ConfigException($"{where}: local_jwks has no usable signing key");
        return keys;
    }

    /// <summary>The algorithms a key may verify: its own alg when it declares one, else every algorithm of its type.
    /// An RSA or EC key never verifies an HMAC token, so a public key cannot be used as an HMAC secret.</summary>
    private static FrozenSet<string> AlgorithmsOf(JsonWebKey key)
    {
        var family = key.Kty switch
        {
            "RSA" => RsaAlgorithms,
            "EC" => key.Crv switch
            {
                "P-256" => FrozenSet.Create(StringComparer.Ordinal, "ES256"),
                "P-384" => FrozenSet.Create(StringComparer.Ordinal, "ES384"),
                "P-521" => FrozenSet.Create(StringComparer.Ordinal, "ES512"),
                _ => FrozenSet<string>.Empty,
            },
            "oct" => HmacAlgorithms,
            _ => FrozenSet<string>.Empty,
        };
        if (key.Alg is { Length: > 0 } alg) return family.Contains(alg) ? FrozenSet.Create(StringComparer.Ordinal, alg) : FrozenSet<string>.Empty;
        return family;
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
