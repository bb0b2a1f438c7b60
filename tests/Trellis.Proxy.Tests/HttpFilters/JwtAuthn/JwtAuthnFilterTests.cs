using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Envoy.Config.Core.V3;
using Envoy.Extensions.Filters.Http.JwtAuthn.V3;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.HttpFilters.JwtAuthn;
using static Trellis.Proxy.Tests.HttpFilters.JwtAuthn.JwtAuthnHarness;

namespace Trellis.Proxy.Tests.HttpFilters.JwtAuthn;

/// <summary>The JWT corpus against the filter istiod configures for a RequestAuthentication: a valid token passes and
/// says who the caller is, an absent one passes unauthenticated, and every forged, stale or malformed one gets 401
/// with Envoy's body and www-authenticate header.</summary>
public sealed class JwtAuthnFilterTests : IDisposable
{
    private readonly TestIssuer _rsa = TestIssuer.Rsa();
    private readonly TestIssuer _ec = TestIssuer.Ec();

    public void Dispose()
    {
        _rsa.Dispose();
        _ec.Dispose();
    }

    [Fact]
    public async Task A_valid_rs256_token_passes_and_tells_later_filters_who_the_caller_is()
    {
        var outcome = await SendAsync(IstioRequirement(Provider(_rsa)), Bearer(_rsa.Token(new { aud = "app", azp = "web", groups = new[] { "admin" }, nested = new { key = "value" } })));

        Assert.True(outcome.Passed);
        var authn = outcome.IstioAuthn!;
        Assert.Equal("testing@secure.istio.io/alice", authn.Fields[JwtOutputs.Principal].StringValue);
        Assert.Equal("app", authn.Fields[JwtOutputs.Audiences].ListValue.Values.Single().StringValue);
        Assert.Equal("web", authn.Fields[JwtOutputs.Presenter].StringValue);
        var claims = authn.Fields[JwtOutputs.Claims].StructValue;
        Assert.Equal("admin", claims.Fields["groups"].ListValue.Values.Single().StringValue);
        Assert.Equal("value", claims.Fields["nested"].StructValue.Fields["key"].StringValue);
        Assert.True(outcome.Metadata!.TryGet(JwtAuthnPolicy.FilterName, out var payload));
        Assert.Equal("alice", payload!.Fields["payload"].StructValue.Fields["sub"].StringValue);
    }

    [Fact]
    public async Task A_valid_es256_token_passes()
    {
        var outcome = await SendAsync(IstioRequirement(Provider(_ec)), Bearer(_ec.Token()));

        Assert.True(outcome.Passed);
        Assert.Equal("https://ec.example.com/alice", outcome.IstioAuthn!.Fields[JwtOutputs.Principal].StringValue);
    }

    [Fact]
    public async Task No_token_passes_without_a_principal_so_authorization_decides()
    {
        var outcome = await SendAsync(IstioRequirement(Provider(_rsa)));

        Assert.True(outcome.Passed);
        Assert.Null(outcome.IstioAuthn);
    }

    public static TheoryData<string, string> Rejections => new()
    {
        { "expired", "Jwt is expired" },
        { "not-yet-valid", "Jwt not yet valid" },
        { "bad-signature", "Jwt verification fails" },
        { "alg-none", "Jwt header [alg] is not supported" },
        { "hmac-with-public-key", "Jwks doesn't have key to match kid or alg from Jwt" },
        { "two-segments", "Jwt is not in the form of Header.Payload.Signature with two dots and 3 sections" },
        { "garbage-header", "Jwt header is an invalid Base64url encoded" },
        { "header-not-json", "Jwt header is an invalid JSON" },
        { "payload-not-json", "Jwt payload is an invalid JSON" },
        { "iss-not-string", "Jwt payload [iss] field is not a string" },
        { "exp-not-integer", "Jwt payload [exp] field is not an integer" },
        { "oversized", "Jwt is too large" },
        { "unknown-kid", "Jwks doesn't have key to match kid or alg from Jwt" },
        { "other-key-same-issuer", "Jwt verification fails" },
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public async Task A_present_invalid_token_is_answered_401_with_envoys_reason(string attack, string body)
    {
        var outcome = await SendAsync(IstioRequirement(Provider(_rsa)), Bearer(Attack(attack)));

        Assert.False(outcome.Passed);
        Assert.Equal(401, outcome.Status);
        Assert.Equal(body, outcome.Body);
        Assert.Equal("Bearer realm=\"http://httpbin.foo:8000/headers\", error=\"invalid_token\"", outcome.Response["www-authenticate"].ToString());
        Assert.Null(outcome.IstioAuthn);
    }

    private string Attack(string attack)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var good = _rsa.Token();
        var parts = good.Split('.');
        static string B64(string json) => TestIssuer.B64(Encoding.UTF8.GetBytes(json));
        return attack switch
        {
            // Beyond the default 60 s of clock skew.
            "expired" => _rsa.Token(new { exp = now - 61 }),
            "not-yet-valid" => _rsa.Token(new { nbf = now + 120 }),
            "bad-signature" => $"{parts[0]}.{B64("{\"iss\":\"testing@secure.istio.io\",\"sub\":\"root\"}")}.{parts[2]}",
            "alg-none" => _rsa.UnsignedToken(),
            "hmac-with-public-key" => _rsa.HmacWithPublicKey(),
            "two-segments" => $"{parts[0]}.{parts[1]}",
            "garbage-header" => $"!!!.{parts[1]}.{parts[2]}",
            "header-not-json" => $"{B64("not json")}.{parts[1]}.{parts[2]}",
            "payload-not-json" => $"{parts[0]}.{B64("{")}.{parts[2]}",
            "iss-not-string" => _rsa.Token(new { iss = 7 }),
            "exp-not-integer" => _rsa.Token(new { exp = "tomorrow" }),
            "oversized" => _rsa.Token(new { pad = new string('a', 20_000) }),
            "unknown-kid" => _rsa.Token(kid: "someone-else"),
            "other-key-same-issuer" => ForgedByOtherKey(),
            _ => throw new ArgumentException(attack),
        };
    }

    private string ForgedByOtherKey()
    {
        using var other = TestIssuer.Rsa(_rsa.Issuer, _rsa.Kid);
        return other.Token(new { sub = "root" });
    }

    [Fact]
    public async Task A_wrong_audience_is_403_as_envoy_answers_it()
    {
        var outcome = await SendAsync(IstioRequirement(Provider(_rsa, "app")), Bearer(_rsa.Token(new { aud = "other" })));

        Assert.Equal(403, outcome.Status);
        Assert.Equal("Audiences in Jwt are not allowed", outcome.Body);
    }

    [Fact]
    public async Task An_allowed_audience_among_several_passes()
    {
        var outcome = await SendAsync(IstioRequirement(Provider(_rsa, "app")), Bearer(_rsa.Token(new { aud = new[] { "x", "app" } })));

        Assert.True(outcome.Passed);
    }

    [Fact]
    public async Task A_token_of_an_issuer_no_rule_names_passes_unauthenticated_as_with_envoys_allow_missing()
    {
        using var stranger = TestIssuer.Rsa("https://stranger.example.com");

        var outcome = await SendAsync(IstioRequirement(Provider(_rsa)), Bearer(stranger.Token()));

        Assert.True(outcome.Passed);
        Assert.Null(outcome.IstioAuthn);
    }

    [Fact]
    public async Task With_several_issuers_each_ones_tokens_verify_with_its_own_keys()
    {
        var config = IstioRequirement(Provider(_rsa), Provider(_ec));

        var rsa = await SendAsync(config, Bearer(_rsa.Token()));
        var ec = await SendAsync(config, Bearer(_ec.Token()));
        var forged = await SendAsync(config, Bearer(_rsa.HmacWithPublicKey()));

        Assert.True(rsa.Passed);
        Assert.True(ec.Passed);
        Assert.Equal("https://ec.example.com/alice", ec.IstioAuthn!.Fields[JwtOutputs.Principal].StringValue);
        Assert.Equal(401, forged.Status);
    }

    [Fact]
    public async Task A_custom_header_with_its_prefix_is_read_and_the_default_location_is_not()
    {
        var provider = Provider(_rsa);
        provider.FromHeaders.Add(new JwtHeader { Name = "x-jwt-assertion", ValuePrefix = "Istio " });
        var config = IstioRequirement(provider);

        var viaHeader = await SendAsync(config, r => r.Headers["x-jwt-assertion"] = $"Istio {_rsa.Token()}");
        var badViaHeader = await SendAsync(config, r => r.Headers["x-jwt-assertion"] = $"Istio {_rsa.UnsignedToken()}");
        var badViaAuthorization = await SendAsync(config, Bearer(_rsa.UnsignedToken()));

        Assert.True(viaHeader.Passed);
        Assert.Equal(401, badViaHeader.Status);
        Assert.True(badViaAuthorization.Passed);
        Assert.Null(badViaAuthorization.IstioAuthn);
    }

    [Fact]
    public async Task Query_parameters_and_cookies_are_read_where_configured()
    {
        var provider = Provider(_rsa);
        provider.FromParams.Add("token");
        provider.FromCookies.Add("session");
        var config = IstioRequirement(provider);

        var param = await SendAsync(config, path: $"/headers?token={_rsa.Token()}");
        var cookie = await SendAsync(config, r => r.Headers.Cookie = $"session={_rsa.Token()}");
        var badCookie = await SendAsync(config, r => r.Headers.Cookie = $"session={_rsa.UnsignedToken()}");

        Assert.NotNull(param.IstioAuthn);
        Assert.NotNull(cookie.IstioAuthn);
        Assert.Equal(401, badCookie.Status);
    }

    [Fact]
    public async Task The_default_access_token_parameter_is_read_when_no_location_is_set()
    {
        var outcome = await SendAsync(IstioRequirement(Provider(_rsa)), path: $"/headers?access_token={_rsa.UnsignedToken()}");

        Assert.Equal(401, outcome.Status);
    }

    [Fact]
    public async Task Claims_go_to_headers_nested_ones_by_dotted_name_and_the_client_cannot_set_them()
    {
        var provider = Provider(_rsa);
        provider.ClaimToHeaders.Add(new JwtClaimToHeader { HeaderName = "x-jwt-sub", ClaimName = "sub" });
        provider.ClaimToHeaders.Add(new JwtClaimToHeader { HeaderName = "x-jwt-team", ClaimName = "org.team" });
        provider.ClaimToHeaders.Add(new JwtClaimToHeader { HeaderName = "x-jwt-groups", ClaimName = "groups" });
        var token = _rsa.Token(new { org = new { team = "payments" }, groups = new[] { "a", "b" } });

        var outcome = await SendAsync(IstioRequirement(provider), r =>
        {
            r.Headers.Authorization = $"Bearer {token}";
            r.Headers["x-jwt-team"] = "spoofed";
        });
        var spoofOnly = await SendAsync(IstioRequirement(provider), r => r.Headers["x-jwt-sub"] = "admin");

        Assert.Equal("alice", outcome.Request["x-jwt-sub"].ToString());
        Assert.Equal("payments", outcome.Request["x-jwt-team"].ToString());
        Assert.Equal("a,b", outcome.Request["x-jwt-groups"].ToString());
        Assert.True(spoofOnly.Passed);
        Assert.False(spoofOnly.Request.ContainsKey("x-jwt-sub"));
    }

    [Fact]
    public async Task The_payload_header_carries_the_base64url_payload()
    {
        var provider = Provider(_rsa);
        provider.ForwardPayloadHeader = "x-jwt-payload";
        var token = _rsa.Token();

        var outcome = await SendAsync(IstioRequirement(provider), Bearer(token));

        var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(outcome.Request["x-jwt-payload"].ToString()));
        Assert.Equal("alice", payload.RootElement.GetProperty("sub").GetString());
    }

    [Fact]
    public async Task The_token_is_removed_unless_forwarded_as_istio_defaults_forward_original_token_to_false()
    {
        var stripped = await SendAsync(IstioRequirement(Provider(_rsa)), Bearer(_rsa.Token()));
        var forwarding = Provider(_rsa);
        forwarding.Forward = true;
        var kept = await SendAsync(IstioRequirement(forwarding), Bearer(_rsa.Token()));

        Assert.False(stripped.Request.ContainsKey("authorization"));
        Assert.True(kept.Request.ContainsKey("authorization"));
    }

    [Fact]
    public async Task A_missing_token_under_a_provider_requirement_is_401_without_invalid_token()
    {
        var config = IstioRequirement(Provider(_rsa));
        config.Rules[0].Requires = new JwtRequirement { ProviderName = "origins-0" };

        var outcome = await SendAsync(config);

        Assert.Equal(401, outcome.Status);
        Assert.Equal("Jwt is missing", outcome.Body);
        Assert.Equal("Bearer realm=\"http://httpbin.foo:8000/headers\"", outcome.Response["www-authenticate"].ToString());
    }

    [Fact]
    public async Task Cors_preflights_bypass_verification()
    {
        var outcome = await SendAsync(IstioRequirement(Provider(_rsa)), r =>
        {
            r.Method = "OPTIONS";
            r.Headers.Origin = "http://web";
            r.Headers.AccessControlRequestMethod = "GET";
            r.Headers.Authorization = "Bearer not-a-token";
        });

        Assert.True(outcome.Passed);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"keys\":[]}")]
    [InlineData("{\"keys\":[{\"kty\":\"oct\",\"k\":\"c2VjcmV0\",\"alg\":\"RS256\"}]}")]
    public void A_jwks_that_verifies_nothing_is_refused_when_the_config_arrives(string jwks)
    {
        var provider = Provider(_rsa);
        provider.LocalJwks = new DataSource { InlineString = jwks };

        var error = Assert.Throws<ConfigException>(() => JwtAuthnPolicy.From(IstioRequirement(provider), "listener virtualInbound"));

        Assert.Contains("provider origins-0", error.Message);
    }

    [Fact]
    public void A_requirement_naming_an_unknown_provider_is_refused()
    {
        var config = IstioRequirement(Provider(_rsa));
        config.Rules[0].Requires = new JwtRequirement { ProviderName = "nobody" };

        var error = Assert.Throws<ConfigException>(() => JwtAuthnPolicy.From(config, "l"));

        Assert.Contains("unknown provider \"nobody\"", error.Message);
    }
}
