using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Envoy.Config.Core.V3;
using Envoy.Config.Rbac.V3;
using Envoy.Config.Route.V3;
using Envoy.Type.Matcher.V3;
using Envoy.Type.V3;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Trellis.Proxy.Authorization;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.HttpFilters;
using Trellis.Proxy.Security;
using Trellis.Proxy.Tests.Support;
using Action = Envoy.Config.Rbac.V3.RBAC.Types.Action;

namespace Trellis.Proxy.Tests.Authorization;

/// <summary>Envoy's RBAC matching semantics, rule kind by rule kind, as Istio's AuthorizationPolicy translation uses them.</summary>
public sealed class RbacEngineTests
{
    private static readonly Principal Anyone = new() { Any = true };
    private static readonly Permission Anything = new() { Any = true };

    private static RbacEngine Engine(Action action, params (string Name, Permission Permission, Principal Principal)[] policies) =>
        RbacCompiler.Compile(RbacPolicies.Rules(action, policies), "test");

    private static bool Allows(Permission permission, AuthorizationInput input) => Engine(Action.Allow, ("p", permission, Anyone)).Evaluate(input).Allowed;

    private static bool Allows(Principal principal, AuthorizationInput input) => Engine(Action.Allow, ("p", Anything, principal)).Evaluate(input).Allowed;

    private static AuthorizationInput Http(string pathAndQuery = "/", params (string, string)[] headers)
    {
        var request = Requests.Get(pathAndQuery, headers: headers);
        return new AuthorizationInput { Request = request, Path = request.Path.Value, ServerName = "" };
    }

    private static StringMatcher Exact(string value) => new() { Exact = value };

    [Fact]
    public void Allow_allows_only_what_some_policy_matches_and_names_the_first_by_name()
    {
        var engine = Engine(Action.Allow, ("b-second", RbacPolicies.PathPrefix("/a"), Anyone), ("a-first", RbacPolicies.PathPrefix("/"), Anyone));
        Assert.Equal(new RbacDecision(true, "a-first", false), engine.Evaluate(Http("/a")));
        Assert.False(Engine(Action.Allow, ("p", RbacPolicies.PathPrefix("/a"), Anyone)).Evaluate(Http("/b")).Allowed);
        Assert.False(Engine(Action.Allow).Evaluate(Http("/")).Allowed);
    }

    [Fact]
    public void Deny_denies_exactly_what_some_policy_matches_and_log_never_blocks()
    {
        var deny = Engine(Action.Deny, ("deny-admin", RbacPolicies.PathPrefix("/admin"), Anyone));
        Assert.Equal(new RbacDecision(false, "deny-admin", false), deny.Evaluate(Http("/admin/x")));
        Assert.True(deny.Evaluate(Http("/public")).Allowed);
        Assert.True(Engine(Action.Deny).Evaluate(Http("/")).Allowed);
        var log = Engine(Action.Log, ("audit", RbacPolicies.PathPrefix("/admin"), Anyone));
        Assert.Equal(new RbacDecision(true, "audit", true), log.Evaluate(Http("/admin")));
        Assert.Equal(new RbacDecision(true, null, false), log.Evaluate(Http("/other")));
    }

    [Fact]
    public void A_policy_needs_some_permission_and_some_principal()
    {
        var rbac = new RBAC { Action = Action.Allow };
        rbac.Policies["p"] = new Policy
        {
            Permissions = { RbacPolicies.PathPrefix("/x"), RbacPolicies.PathPrefix("/y") },
            Principals = { new Principal { Header = new HeaderMatcher { Name = "user", ExactMatch = "alice" } } },
        };
        var engine = RbacCompiler.Compile(rbac, "test");
        Assert.True(engine.Evaluate(Http("/y", ("user", "alice"))).Allowed);
        Assert.False(engine.Evaluate(Http("/y", ("user", "bob"))).Allowed);
        Assert.False(engine.Evaluate(Http("/z", ("user", "alice"))).Allowed);
    }

    [Fact]
    public void Rule_sets_combine_as_and_or_and_not()
    {
        var and = new Permission { AndRules = new Permission.Types.Set { Rules = { RbacPolicies.PathPrefix("/a"), new Permission { Header = new HeaderMatcher { Name = ":method", ExactMatch = "GET" } } } } };
        Assert.True(Allows(and, Http("/a")));
        Assert.False(Allows(and, Http("/b")));
        var or = new Permission { OrRules = new Permission.Types.Set { Rules = { RbacPolicies.PathPrefix("/a"), RbacPolicies.PathPrefix("/b") } } };
        Assert.True(Allows(or, Http("/b")));
        Assert.False(Allows(or, Http("/c")));
        Assert.False(Allows(new Permission { NotRule = RbacPolicies.PathPrefix("/a") }, Http("/a")));
        Assert.True(Allows(new Principal { NotId = new Principal { Header = new HeaderMatcher { Name = "x", PresentMatch = true } } }, Http("/")));
        var ids = new Principal { AndIds = new Principal.Types.Set { Ids = { Anyone, new Principal { Header = new HeaderMatcher { Name = "x", PresentMatch = true } } } } };
        Assert.False(Allows(ids, Http("/")));
        Assert.True(Allows(new Principal { OrIds = new Principal.Types.Set { Ids = { ids, Anyone } } }, Http("/")));
    }

    [Fact]
    public void Headers_match_as_envoy_header_matchers_do()
    {
        Permission Header(HeaderMatcher m) => new() { Header = m };
        Assert.True(Allows(Header(new HeaderMatcher { Name = "X-Group", StringMatch = new StringMatcher { Exact = "ADMINS", IgnoreCase = true } }), Http("/", ("x-group", "admins"))));
        Assert.True(Allows(Header(new HeaderMatcher { Name = "x-id", SafeRegexMatch = new RegexMatcher { Regex = "[0-9]+" } }), Http("/", ("x-id", "42"))));
        Assert.False(Allows(Header(new HeaderMatcher { Name = "x-id", SafeRegexMatch = new RegexMatcher { Regex = "[0-9]+" } }), Http("/", ("x-id", "42a"))));
        // Envoy: an absent header satisfies only a presence check; inverted, only an inverted presence check.
        Assert.False(Allows(Header(new HeaderMatcher { Name = "x-id", ExactMatch = "1", InvertMatch = true }), Http("/")));
        Assert.True(Allows(Header(new HeaderMatcher { Name = "x-id", ExactMatch = "1", InvertMatch = true }), Http("/", ("x-id", "2"))));
        Assert.True(Allows(Header(new HeaderMatcher { Name = "x-id", PresentMatch = false }), Http("/")));
        Assert.True(Allows(Header(new HeaderMatcher { Name = ":authority", ExactMatch = "reviews:9080" }), Http("/")));
        // At L4 there are no headers, as against Envoy's empty header map.
        Assert.False(Allows(Header(new HeaderMatcher { Name = ":method", ExactMatch = "GET" }), new AuthorizationInput { ServerName = "" }));
    }

    [Fact]
    public void Url_path_sees_the_path_without_its_query_and_never_matches_a_connection()
    {
        var permission = new Permission { UrlPath = new PathMatcher { Path = new StringMatcher { Suffix = "/info" } } };
        Assert.True(Allows(permission, Http("/api/info?x=/y")));
        Assert.False(Allows(new Permission { UrlPath = new PathMatcher { Path = Exact("/a") } }, Http("/a/?q")));
        Assert.False(Allows(permission, new AuthorizationInput { ServerName = "" }));
        Assert.True(Allows(new Permission { NotRule = permission }, new AuthorizationInput { ServerName = "" }));
    }

    [Fact]
    public void Destination_address_port_range_and_server_name()
    {
        var input = new AuthorizationInput { DestinationAddress = IPAddress.Parse("10.0.0.7"), DestinationPort = 9080, ServerName = "reviews.bookinfo" };
        Assert.True(Allows(new Permission { DestinationIp = new CidrRange { AddressPrefix = "10.0.0.0", PrefixLen = 24 } }, input));
        Assert.False(Allows(new Permission { DestinationIp = new CidrRange { AddressPrefix = "10.0.1.0", PrefixLen = 24 } }, input));
        Assert.False(Allows(new Permission { DestinationIp = new CidrRange { AddressPrefix = "::", PrefixLen = 0 } }, input));
        Assert.True(Allows(new Permission { DestinationPort = 9080 }, input));
        Assert.False(Allows(new Permission { DestinationPort = 9081 }, input));
        Assert.True(Allows(new Permission { DestinationPortRange = new Int32Range { Start = 9000, End = 9081 } }, input));
        Assert.False(Allows(new Permission { DestinationPortRange = new Int32Range { Start = 9000, End = 9080 } }, input));
        Assert.True(Allows(new Permission { RequestedServerName = new StringMatcher { Suffix = ".bookinfo" } }, input));
    }

    [Fact]
    public void Source_addresses_direct_source_and_the_forwarded_client()
    {
        var input = new AuthorizationInput { DirectRemote = IPAddress.Parse("10.1.2.3"), Remote = IPAddress.Parse("203.0.113.9"), ServerName = "" };
        Assert.True(Allows(new Principal { DirectRemoteIp = new CidrRange { AddressPrefix = "10.1.0.0", PrefixLen = 16 } }, input));
        Assert.True(Allows(new Principal { SourceIp = new CidrRange { AddressPrefix = "10.1.2.3", PrefixLen = 32 } }, input));
        Assert.False(Allows(new Principal { DirectRemoteIp = new CidrRange { AddressPrefix = "203.0.113.0", PrefixLen = 24 } }, input));
        Assert.True(Allows(new Principal { RemoteIp = new CidrRange { AddressPrefix = "203.0.113.0", PrefixLen = 24 } }, input));
        Assert.True(Engine(Action.Allow, ("p", Anything, new Principal { RemoteIp = new CidrRange { AddressPrefix = "1.2.3.4" } })).NeedsRemoteIp);
        Assert.False(Engine(Action.Allow, ("p", Anything, new Principal { DirectRemoteIp = new CidrRange { AddressPrefix = "1.2.3.4" } })).NeedsRemoteIp);
    }

    [Fact]
    public void Authenticated_matches_the_peer_certificate_uri_san_and_never_plaintext()
    {
        using var certificate = Certificate("spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage");
        var mtls = new AuthorizationInput { Tls = new DownstreamTlsInfo(certificate, "spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage", null, "istio"), ServerName = "" };
        var productpage = new Principal { Authenticated = new Principal.Types.Authenticated { PrincipalName = Exact("spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage") } };
        Assert.True(Allows(productpage, mtls));
        Assert.False(Allows(new Principal { Authenticated = new Principal.Types.Authenticated { PrincipalName = Exact("spiffe://cluster.local/ns/bookinfo/sa/ratings") } }, mtls));
        Assert.True(Allows(new Principal { Authenticated = new Principal.Types.Authenticated() }, mtls));
        Assert.False(Allows(productpage, new AuthorizationInput { ServerName = "" }));
        Assert.False(Allows(new Principal { Authenticated = new Principal.Types.Authenticated() }, new AuthorizationInput { ServerName = "" }));
        Assert.False(Allows(productpage, new AuthorizationInput { Tls = new DownstreamTlsInfo(null, null, "x", null), ServerName = "" }));
    }

    [Fact]
    public void Metadata_matches_istio_authn_keys_claims_lists_and_nested_claims()
    {
        var metadata = new DynamicMetadata();
        var authn = metadata.For("istio_authn");
        authn.Fields["request.auth.principal"] = Value.ForString("https://issuer.example/alice");
        authn.Fields["request.auth.audiences"] = Value.ForList(Value.ForString("bookinfo"), Value.ForString("other"));
        var claims = new Struct();
        claims.Fields["groups"] = Value.ForList(Value.ForString("dev"), Value.ForString("admin"));
        claims.Fields["verified"] = Value.ForBool(true);
        claims.Fields["org"] = Value.ForStruct(new Struct { Fields = { ["team"] = Value.ForString("ratings"), ["level"] = Value.ForNumber(3) } });
        authn.Fields["request.auth.claims"] = Value.ForStruct(claims);
        var input = new AuthorizationInput { Metadata = metadata, ServerName = "" };

        Principal Meta(ValueMatcher value, bool invert = false, params string[] path)
        {
            var m = new MetadataMatcher { Filter = "istio_authn", Value = value, Invert = invert };
            foreach (var key in path) m.Path.Add(new MetadataMatcher.Types.PathSegment { Key = key });
            return new Principal { Metadata = m };
        }

        var principal = new ValueMatcher { StringMatch = Exact("https://issuer.example/alice") };
        Assert.True(Allows(Meta(principal, false, "request.auth.principal"), input));
        Assert.False(Allows(Meta(principal, true, "request.auth.principal"), input));
        Assert.True(Allows(Meta(new ValueMatcher { ListMatch = new ListMatcher { OneOf = new ValueMatcher { StringMatch = Exact("bookinfo") } } }, false, "request.auth.audiences"), input));
        Assert.True(Allows(Meta(new ValueMatcher { ListMatch = new ListMatcher { OneOf = new ValueMatcher { StringMatch = Exact("admin") } } }, false, "request.auth.claims", "groups"), input));
        Assert.False(Allows(Meta(new ValueMatcher { ListMatch = new ListMatcher { OneOf = new ValueMatcher { StringMatch = Exact("ops") } } }, false, "request.auth.claims", "groups"), input));
        Assert.True(Allows(Meta(new ValueMatcher { StringMatch = Exact("ratings") }, false, "request.auth.claims", "org", "team"), input));
        Assert.True(Allows(Meta(new ValueMatcher { DoubleMatch = new DoubleMatcher { Range = new DoubleRange { Start = 2, End = 4 } } }, false, "request.auth.claims", "org", "level"), input));
        Assert.True(Allows(Meta(new ValueMatcher { BoolMatch = true }, false, "request.auth.claims", "verified"), input));
        Assert.True(Allows(Meta(new ValueMatcher { PresentMatch = true }, false, "request.auth.presenter"), new AuthorizationInput { ServerName = "" }) == false);
        Assert.False(Allows(Meta(new ValueMatcher { PresentMatch = true }, false, "request.auth.presenter"), input));
        // A string matcher never matches a list, and a missing value matches nothing; inverted, it matches.
        Assert.False(Allows(Meta(new ValueMatcher { StringMatch = Exact("admin") }, false, "request.auth.claims", "groups"), input));
        Assert.True(Allows(Meta(principal, true, "request.auth.principal"), new AuthorizationInput { ServerName = "" }));
    }

    [Fact]
    public void What_envoy_refuses_or_this_proxy_cannot_evaluate_is_nacked_naming_the_field()
    {
        AssertRefused("permissions must hold at least one rule", new Policy { Principals = { Anyone } });
        AssertRefused("principals must hold at least one identifier", new Policy { Permissions = { Anything } });
        AssertRefused("any: must be true", new Policy { Permissions = { new Permission { Any = false } }, Principals = { Anyone } });
        AssertRefused("permission sets no rule", new Policy { Permissions = { new Permission() }, Principals = { Anyone } });
        AssertRefused("rules must hold at least one rule", new Policy { Permissions = { new Permission { AndRules = new Permission.Types.Set() } }, Principals = { Anyone } });
        AssertRefused("path must hold at least one segment",
            new Policy { Permissions = { Anything }, Principals = { new Principal { Metadata = new MetadataMatcher { Filter = "istio_authn", Value = new ValueMatcher { PresentMatch = true } } } } });
        AssertRefused("prefix_len is longer than the address",
            new Policy { Permissions = { Anything }, Principals = { new Principal { RemoteIp = new CidrRange { AddressPrefix = "10.0.0.0", PrefixLen = 33 } } } });
        AssertRefused("invalid regex", new Policy { Permissions = { new Permission { Header = new HeaderMatcher { Name = "x", SafeRegexMatch = new RegexMatcher { Regex = "(" } } } }, Principals = { Anyone } });

        // A newer Envoy's Policy.condition (field 3) would narrow the policy; ignoring it could open access.
        var bytes = new Policy { Permissions = { Anything }, Principals = { Anyone } }.ToByteArray().Concat(new byte[] { (3 << 3) | 2, 2, 0x0A, 0x00 }).ToArray();
        AssertRefused("field number 3", Policy.Parser.ParseFrom(bytes));
    }

    private static void AssertRefused(string why, Policy policy)
    {
        var rbac = new RBAC { Action = Action.Allow };
        rbac.Policies["ns[bookinfo]-policy[p]-rule[0]"] = policy;
        var error = Assert.Throws<ConfigException>(() => RbacCompiler.Compile(rbac, "listener x"));
        Assert.Contains(why, error.Message);
        Assert.Contains("ns[bookinfo]-policy[p]-rule[0]", error.Message);
    }

    private static X509Certificate2 Certificate(string uri)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=workload", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri(uri));
        request.CertificateExtensions.Add(san.Build());
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(1));
    }
}
