using Envoy.Config.Listener.V3;
using Envoy.Extensions.Filters.Http.JwtAuthn.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Trellis.ControlPlane.Jwks;
using Trellis.ControlPlane.Mesh;
using Trellis.ControlPlane.Translation;
using Trellis.ControlPlane.Translation.RequestAuthn;

namespace Trellis.ControlPlane.Tests.Translation.RequestAuthn;

/// <summary>RequestAuthentication as istiod translates it: jwt_authn first in the inbound HCM of the workloads it
/// selects, one origins-N provider per rule, "provider or allow_missing", keys inlined, failing closed.</summary>
public sealed class RequestAuthnFiltersTests
{
    private const string Jwks = """{"keys":[{"kty":"RSA","e":"AQAB","n":"sXch"}]}""";

    private static string Policy(string name, string ns, string rules, string? selector = "app: reviews") => $"""
        apiVersion: security.istio.io/v1
        kind: RequestAuthentication
        metadata: {"{"}name: {name}, namespace: {ns}{"}"}
        spec:
        {(selector is null ? "" : $"  selector:\n    matchLabels:\n      {selector}")}
          jwtRules:
        {rules}
        """;

    private static string Rule(string issuer, string extra = "") => $"""
          - issuer: "{issuer}"
            jwks: '{Jwks}'
        {extra}
        """;

    private static List<HttpFilter> InboundFilters(MeshModel mesh, string app = "reviews")
    {
        var resources = ProxyConfigBuilder.Build(mesh, MeshFixture.Sidecar($"{app}-v1-abc", app, "v1"));
        var inbound = resources.Listeners.Cast<Listener>().Single(l => l.Name == ClusterNames.InboundListener);
        return inbound.FilterChains[0].Filters[0].TypedConfig.Unpack<HttpConnectionManager>().HttpFilters.ToList();
    }

    private static JwtAuthentication JwtConfig(List<HttpFilter> filters) =>
        Assert.Single(filters, f => f.Name == "envoy.filters.http.jwt_authn").TypedConfig.Unpack<JwtAuthentication>();

    [Fact]
    public void A_selected_workload_gets_jwt_authn_first_with_one_origins_provider_or_allow_missing()
    {
        var mesh = MeshFixture.Bookinfo(Policy("jwt", "bookinfo", Rule("issuer-a", """
                audiences: [reviews]
                fromHeaders: [{name: x-jwt, prefix: "Token "}]
                outputClaimToHeaders: [{header: x-sub, claim: sub}]
                outputPayloadToHeader: x-payload
            """)));

        var filters = InboundFilters(mesh);
        var config = JwtConfig(filters);

        Assert.Equal("envoy.filters.http.jwt_authn", filters[0].Name);
        var provider = config.Providers["origins-0"];
        Assert.Equal("issuer-a", provider.Issuer);
        Assert.Equal(["reviews"], provider.Audiences);
        Assert.Equal(Jwks, provider.LocalJwks.InlineString);
        Assert.Equal("payload", provider.PayloadInMetadata);
        Assert.False(provider.Forward);
        Assert.Equal("x-payload", provider.ForwardPayloadHeader);
        Assert.Equal(("x-jwt", "Token "), (provider.FromHeaders[0].Name, provider.FromHeaders[0].ValuePrefix));
        Assert.Equal(("x-sub", "sub"), (provider.ClaimToHeaders[0].HeaderName, provider.ClaimToHeaders[0].ClaimName));
        Assert.True(config.BypassCorsPreflight);
        var rule = Assert.Single(config.Rules);
        Assert.Equal("/", rule.Match.Prefix);
        var any = rule.Requires.RequiresAny.Requirements;
        Assert.Equal("origins-0", any[0].ProviderName);
        Assert.NotNull(any[1].AllowMissing);
    }

    [Fact]
    public void Unselected_workloads_get_no_jwt_filter()
    {
        var mesh = MeshFixture.Bookinfo(Policy("jwt", "bookinfo", Rule("issuer-a")));

        Assert.DoesNotContain(InboundFilters(mesh, "ratings"), f => f.Name == "envoy.filters.http.jwt_authn");
    }

    [Fact]
    public void Namespace_and_root_namespace_policies_combine_into_one_filter_with_any_provider_or_all_of_provider_or_missing()
    {
        var mesh = MeshFixture.Bookinfo(
            Policy("ns-wide", "bookinfo", Rule("issuer-a"), selector: null),
            Policy("mesh-wide", "istio-system", Rule("issuer-b"), selector: null));

        var config = JwtConfig(InboundFilters(mesh, "ratings"));

        Assert.Equal(["issuer-a", "issuer-b"], new[] { config.Providers["origins-0"].Issuer, config.Providers["origins-1"].Issuer });
        var outer = config.Rules[0].Requires.RequiresAny.Requirements;
        Assert.Equal(["origins-0", "origins-1"], outer.Take(2).Select(r => r.ProviderName));
        var all = outer[2].RequiresAll.Requirements;
        Assert.Equal(2, all.Count);
        Assert.All(all, r => Assert.NotNull(r.RequiresAny.Requirements[1].AllowMissing));
    }

    [Fact]
    public void A_policy_in_another_namespace_does_not_apply()
    {
        var mesh = MeshFixture.Bookinfo(Policy("jwt", "default", Rule("issuer-a"), selector: null));

        Assert.DoesNotContain(InboundFilters(mesh), f => f.Name == "envoy.filters.http.jwt_authn");
    }

    [Fact]
    public void A_policy_with_target_refs_does_not_apply_to_sidecars()
    {
        var yaml = Policy("jwt", "bookinfo", Rule("issuer-a"), selector: null)
            .Replace("  jwtRules:", "  targetRefs:\n  - {kind: Gateway, group: gateway.networking.k8s.io, name: gw}\n  jwtRules:");
        var mesh = MeshFixture.Bookinfo(yaml);

        Assert.DoesNotContain(InboundFilters(mesh), f => f.Name == "envoy.filters.http.jwt_authn");
    }

    [Fact]
    public void The_ingress_gateway_gets_the_filter_of_a_policy_selecting_it()
    {
        var mesh = MeshFixture.Bookinfo(Policy("jwt", "istio-system", Rule("issuer-a"), selector: "istio: ingressgateway"));

        var resources = ProxyConfigBuilder.Build(mesh, MeshFixture.IngressGateway());
        var hcm = ((Listener)resources.Listeners.Single()).FilterChains[0].Filters[0].TypedConfig.Unpack<HttpConnectionManager>();

        Assert.Equal("envoy.filters.http.jwt_authn", hcm.HttpFilters[0].Name);
    }

    [Fact]
    public void A_jwks_uri_is_inlined_from_what_the_control_plane_fetched()
    {
        var mesh = MeshFixture.Bookinfo(Policy("jwt", "bookinfo", """
              - issuer: issuer-a
                jwksUri: https://idp.example.com/keys
            """));
        var fetched = new FixedLookup(new JwksState(Jwks, null));

        var provider = RequestAuthnFilters.Build(RulesOf(mesh), fetched).Providers["origins-0"];

        Assert.Equal(Jwks, provider.LocalJwks.InlineString);
        Assert.Equal("https://idp.example.com/keys", fetched.Asked!.JwksUri);
        Assert.Equal(TimeSpan.FromSeconds(5), fetched.Asked.Timeout);
    }

    [Fact]
    public void Keys_that_cannot_be_fetched_become_keys_that_verify_nothing()
    {
        var mesh = MeshFixture.Bookinfo(Policy("jwt", "bookinfo", """
              - issuer: issuer-a
                jwksUri: https://idp.example.com/keys
            """));

        var unavailable = RequestAuthnFilters.Build(RulesOf(mesh), new FixedLookup(new JwksState(null, "HTTP 500"))).Providers["origins-0"];
        var noFetcher = JwtConfig(InboundFilters(mesh)).Providers["origins-0"];

        Assert.Equal(FailClosedJwks.Json, unavailable.LocalJwks.InlineString);
        Assert.Equal(FailClosedJwks.Json, noFetcher.LocalJwks.InlineString);
        Assert.DoesNotContain("\"d\"", FailClosedJwks.Json);
    }

    [Fact]
    public void Keys_that_cannot_be_fetched_are_a_problem_of_each_proxy_that_refuses_their_tokens()
    {
        var mesh = MeshFixture.Bookinfo(Policy("jwt", "bookinfo", """
              - issuer: unreachable
                jwksUri: http://127.0.0.1:1/keys
            """) + "\n---\n" + Policy("inline", "bookinfo", Rule("issuer-b")));

        var problems = ProxyConfigBuilder.Build(mesh, MeshFixture.Sidecar("reviews-v1-abc", "reviews", "v1")).Problems;

        var problem = Assert.Single(problems);
        Assert.StartsWith("RequestAuthentication bookinfo/jwt spec.jwtRules[0]: the keys of issuer \"unreachable\" cannot be fetched from http://127.0.0.1:1/keys", problem);
        Assert.EndsWith("its tokens are refused (401) until they can", problem);
        Assert.Empty(ProxyConfigBuilder.Build(mesh, MeshFixture.Sidecar("ratings-v1-abc", "ratings", "v1")).Problems);
    }

    [Fact]
    public void Only_rules_without_inline_keys_are_fetched_and_an_issuer_alone_is_discovered()
    {
        var mesh = MeshFixture.Bookinfo(Policy("jwt", "bookinfo", $$"""
              - issuer: inline
                jwks: '{{Jwks}}'
              - issuer: https://accounts.example.com
              - issuer: uri
                jwksUri: http://127.0.0.1:1/keys
                timeout: 2s
            """));

        var sources = RequestAuthnFilters.Sources(mesh.Resources);

        Assert.Equal(["https://accounts.example.com/.well-known/openid-configuration", "http://127.0.0.1:1/keys"], sources.Select(s => s.Key));
        Assert.Equal(TimeSpan.FromSeconds(2), sources[1].Timeout);
    }

    private static List<Trellis.Config.Model.Security.JwtRule> RulesOf(MeshModel mesh) =>
        mesh.Resources.Select(r => r.Spec).OfType<Trellis.Config.Model.Security.RequestAuthenticationSpec>().SelectMany(s => s.JwtRules!).ToList();

    private sealed class FixedLookup(JwksState state) : IJwksLookup
    {
        public JwksSource? Asked { get; private set; }

        public JwksState Lookup(JwksSource source)
        {
            Asked = source;
            return state;
        }
    }
}
