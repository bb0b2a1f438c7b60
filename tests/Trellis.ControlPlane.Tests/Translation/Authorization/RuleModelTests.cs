using Envoy.Config.Rbac.V3;
using Google.Protobuf;
using Trellis.Config;
using Trellis.Config.Model.Security;
using Trellis.ControlPlane.Translation.Authorization;

namespace Trellis.ControlPlane.Tests.Translation.Authorization;

/// <summary>Each AuthorizationPolicy field and condition key becomes the Envoy RBAC matcher istiod writes for it.</summary>
public sealed class RuleModelTests
{
    private static readonly RuleContext Http = new("bookinfo", ForTcp: false, RbacAction.Allow);

    private static AuthorizationRule Rule(string rule)
    {
        var yaml = AuthzFixture.Policy("p", $"  rules:\n  - {rule}");
        var load = ConfigLoader.LoadText(yaml, "p.yaml");
        Assert.False(load.HasErrors, string.Join("\n", load.Diagnostics));
        return Assert.Single(((AuthorizationPolicySpec)Assert.Single(load.Resources).Spec!).Rules!);
    }

    private static Policy Translate(string rule, RuleContext? context = null)
    {
        var policy = RuleModel.Translate(Rule(rule), context ?? Http, out var skipped);
        Assert.Null(skipped);
        return policy!;
    }

    private static string Json(IMessage message) => JsonFormatter.Default.Format(message);

    /// <summary>The single matcher inside the AND of the single principal (or permission), inside its OR over values.</summary>
    private static string OnlyPrincipal(string rule) => Json(Assert.Single(Translate(rule).Principals).AndIds.Ids.Single());

    private static string OnlyPermission(string rule) => Json(Assert.Single(Translate(rule).Permissions).AndRules.Rules.Single());

    [Fact]
    public void An_empty_rule_matches_every_request_from_everyone()
    {
        var policy = Translate("{}");
        Assert.Equal("""{ "andRules": { "rules": [ { "any": true } ] } }""", Json(Assert.Single(policy.Permissions)));
        Assert.Equal("""{ "andIds": { "ids": [ { "any": true } ] } }""", Json(Assert.Single(policy.Principals)));
    }

    [Theory]
    [InlineData("cluster.local/ns/bookinfo/sa/productpage", """{ "exact": "spiffe://cluster.local/ns/bookinfo/sa/productpage" }""")]
    [InlineData("*", """{ "safeRegex": { "regex": ".+" } }""")]
    [InlineData("cluster.local/ns/bookinfo/*", """{ "prefix": "spiffe://cluster.local/ns/bookinfo/" }""")]
    [InlineData("*/sa/productpage", """{ "safeRegex": { "regex": "spiffe://.*/sa/productpage" } }""")]
    public void Principals_match_the_peer_certificates_spiffe_identity(string value, string matcher)
    {
        Assert.Equal($$"""{ "orIds": { "ids": [ { "authenticated": { "principalName": {{matcher}} } } ] } }""",
            OnlyPrincipal($"from: [{{source: {{principals: [\"{value}\"]}}}}]"));
    }

    [Fact]
    public void Namespaces_match_the_namespace_part_of_the_identity()
    {
        Assert.Equal("""{ "orIds": { "ids": [ { "authenticated": { "principalName": { "safeRegex": { "regex": ".*/ns/book.info/.*" } } } } ] } }""",
            OnlyPrincipal("from: [{source: {namespaces: [\"book.info\"]}}]").Replace(@"\\.", "."));
        Assert.Contains(@".*/ns/test-.*/.*", OnlyPrincipal("from: [{source: {namespaces: [\"test-*\"]}}]"));
    }

    [Fact]
    public void Not_fields_negate_the_or_of_their_values()
    {
        Assert.Equal("""{ "notId": { "orIds": { "ids": [ { "authenticated": { "principalName": { "exact": "spiffe://a/ns/b/sa/c" } } }, { "authenticated": { "principalName": { "exact": "spiffe://a/ns/b/sa/d" } } } ] } } }""",
            OnlyPrincipal("from: [{source: {notPrincipals: [a/ns/b/sa/c, a/ns/b/sa/d]}}]"));
        Assert.Equal("""{ "notRule": { "orRules": { "rules": [ { "header": { "name": ":method", "stringMatch": { "exact": "DELETE" } } } ] } } }""",
            OnlyPermission("to: [{operation: {notMethods: [DELETE]}}]"));
    }

    [Fact]
    public void Request_principals_read_the_jwt_principal_jwt_authn_wrote()
    {
        Assert.Equal("""{ "orIds": { "ids": [ { "metadata": { "filter": "istio_authn", "path": [ { "key": "request.auth.principal" } ], "value": { "stringMatch": { "exact": "https://issuer/alice" } } } } ] } }""",
            OnlyPrincipal("from: [{source: {requestPrincipals: [\"https://issuer/alice\"]}}]"));
    }

    [Fact]
    public void Ip_blocks_match_the_direct_peer_and_remote_ip_blocks_the_original_client()
    {
        Assert.Equal("""{ "orIds": { "ids": [ { "directRemoteIp": { "addressPrefix": "10.0.0.0", "prefixLen": 16 } }, { "directRemoteIp": { "addressPrefix": "192.168.1.7", "prefixLen": 32 } } ] } }""",
            OnlyPrincipal("from: [{source: {ipBlocks: [10.0.0.0/16, 192.168.1.7]}}]"));
        Assert.Equal("""{ "orIds": { "ids": [ { "remoteIp": { "addressPrefix": "2001:db8::", "prefixLen": 32 } } ] } }""",
            OnlyPrincipal("from: [{source: {remoteIpBlocks: [\"2001:db8::/32\"]}}]"));
    }

    [Theory]
    [InlineData("bookinfo.example.com", """{ "exact": "bookinfo.example.com", "ignoreCase": true }""")]
    [InlineData("*.example.com", """{ "suffix": ".example.com", "ignoreCase": true }""")]
    [InlineData("bookinfo.*", """{ "prefix": "bookinfo.", "ignoreCase": true }""")]
    public void Hosts_match_the_authority_without_regard_to_case(string host, string matcher)
    {
        Assert.Equal($$"""{ "orRules": { "rules": [ { "header": { "name": ":authority", "stringMatch": {{matcher}} } } ] } }""",
            OnlyPermission($"to: [{{operation: {{hosts: [\"{host}\"]}}}}]"));
    }

    [Theory]
    [InlineData("/admin", """{ "exact": "/admin" }""")]
    [InlineData("/admin*", """{ "prefix": "/admin" }""")]
    [InlineData("*.json", """{ "suffix": ".json" }""")]
    [InlineData("*", """{ "safeRegex": { "regex": ".+" } }""")]
    public void Paths_match_the_normalized_path_without_query_case_sensitively(string path, string matcher)
    {
        Assert.Equal($$"""{ "orRules": { "rules": [ { "urlPath": { "path": {{matcher}} } } ] } }""",
            OnlyPermission($"to: [{{operation: {{paths: [\"{path}\"]}}}}]"));
    }

    [Fact]
    public void Methods_match_the_method_pseudo_header()
    {
        Assert.Equal("""{ "orRules": { "rules": [ { "header": { "name": ":method", "stringMatch": { "exact": "GET" } } }, { "header": { "name": ":method", "stringMatch": { "exact": "HEAD" } } } ] } }""",
            OnlyPermission("to: [{operation: {methods: [GET, HEAD]}}]"));
    }

    [Fact]
    public void Ports_are_seen_as_the_proxy_sees_them_and_a_port_it_does_not_serve_never_matches()
    {
        var context = Http with { PortMap = p => p == 9080 ? 15006u : null };
        var policy = Translate("to: [{operation: {ports: [\"9080\", \"8080\"]}}]", context);
        Assert.Equal("""{ "andRules": { "rules": [ { "orRules": { "rules": [ { "destinationPort": 15006 }, { "notRule": { "any": true } } ] } } ] } }""",
            Json(Assert.Single(policy.Permissions)));
        Assert.Equal("""{ "orRules": { "rules": [ { "destinationPort": 8080 } ] } }""", OnlyPermission("to: [{operation: {ports: [\"8080\"]}}]"));
    }

    [Theory]
    [InlineData("request.headers[x-token]", "admin", """{ "header": { "name": "x-token", "stringMatch": { "exact": "admin" } } }""")]
    [InlineData("request.headers[x-token]", "*", """{ "header": { "name": "x-token", "presentMatch": true } }""")]
    [InlineData("source.ip", "10.1.2.3", """{ "directRemoteIp": { "addressPrefix": "10.1.2.3", "prefixLen": 32 } }""")]
    [InlineData("remote.ip", "10.1.0.0/16", """{ "remoteIp": { "addressPrefix": "10.1.0.0", "prefixLen": 16 } }""")]
    [InlineData("source.principal", "cluster.local/ns/bookinfo/sa/productpage", """{ "authenticated": { "principalName": { "exact": "spiffe://cluster.local/ns/bookinfo/sa/productpage" } } }""")]
    [InlineData("request.auth.principal", "iss/sub", """{ "metadata": { "filter": "istio_authn", "path": [ { "key": "request.auth.principal" } ], "value": { "stringMatch": { "exact": "iss/sub" } } } }""")]
    [InlineData("request.auth.audiences", "bookinfo", """{ "metadata": { "filter": "istio_authn", "path": [ { "key": "request.auth.audiences" } ], "value": { "orMatch": { "valueMatchers": [ { "listMatch": { "oneOf": { "stringMatch": { "exact": "bookinfo" } } } }, { "stringMatch": { "exact": "bookinfo" } } ] } } } }""")]
    [InlineData("request.auth.presenter", "web", """{ "metadata": { "filter": "istio_authn", "path": [ { "key": "request.auth.presenter" } ], "value": { "orMatch": { "valueMatchers": [ { "listMatch": { "oneOf": { "stringMatch": { "exact": "web" } } } }, { "stringMatch": { "exact": "web" } } ] } } } }""")]
    [InlineData("request.auth.claims[groups]", "admins", """{ "metadata": { "filter": "istio_authn", "path": [ { "key": "request.auth.claims" }, { "key": "groups" } ], "value": { "orMatch": { "valueMatchers": [ { "listMatch": { "oneOf": { "stringMatch": { "exact": "admins" } } } }, { "stringMatch": { "exact": "admins" } } ] } } } }""")]
    [InlineData("request.auth.claims[realm][role]", "ops", """{ "metadata": { "filter": "istio_authn", "path": [ { "key": "request.auth.claims" }, { "key": "realm" }, { "key": "role" } ], "value": { "orMatch": { "valueMatchers": [ { "listMatch": { "oneOf": { "stringMatch": { "exact": "ops" } } } }, { "stringMatch": { "exact": "ops" } } ] } } } }""")]
    public void Source_and_request_conditions_become_principals(string key, string value, string matcher)
    {
        Assert.Equal($$"""{ "orIds": { "ids": [ {{matcher}} ] } }""", OnlyPrincipal($"when: [{{key: \"{key}\", values: [\"{value}\"]}}]"));
    }

    [Theory]
    [InlineData("destination.ip", "127.0.0.0/8", """{ "destinationIp": { "addressPrefix": "127.0.0.0", "prefixLen": 8 } }""")]
    [InlineData("destination.port", "9080", """{ "destinationPort": 9080 }""")]
    [InlineData("connection.sni", "*.bookinfo.svc.cluster.local", """{ "requestedServerName": { "suffix": ".bookinfo.svc.cluster.local" } }""")]
    [InlineData("experimental.envoy.filters.network.mysql_proxy[db.table]", "[update]", """{ "metadata": { "filter": "envoy.filters.network.mysql_proxy", "path": [ { "key": "db.table" } ], "value": { "orMatch": { "valueMatchers": [ { "listMatch": { "oneOf": { "stringMatch": { "exact": "update" } } } }, { "stringMatch": { "exact": "update" } } ] } } } }""")]
    public void Destination_conditions_become_permissions(string key, string value, string matcher)
    {
        Assert.Equal($$"""{ "orRules": { "rules": [ {{matcher}} ] } }""", OnlyPermission($"when: [{{key: \"{key}\", values: [\"{value}\"]}}]"));
    }

    [Fact]
    public void Not_values_of_a_condition_negate_it()
    {
        Assert.Equal("""{ "notId": { "orIds": { "ids": [ { "header": { "name": "x-env", "stringMatch": { "exact": "prod" } } } ] } } }""",
            OnlyPrincipal("when: [{key: \"request.headers[x-env]\", notValues: [prod]}]"));
    }

    [Fact]
    public void Each_from_is_one_principal_and_each_to_one_permission_with_the_conditions_in_every_one()
    {
        var policy = Translate("""
            from: [{source: {namespaces: [a]}}, {source: {namespaces: [b]}}]
                to: [{operation: {methods: [GET]}}, {operation: {paths: [/x]}}]
                when: [{key: "request.headers[x-a]", values: ["1"]}, {key: destination.port, values: ["80"]}]
            """);
        Assert.Equal(2, policy.Principals.Count);
        Assert.All(policy.Principals, p => Assert.Equal(2, p.AndIds.Ids.Count));
        Assert.Equal(2, policy.Permissions.Count);
        Assert.All(policy.Permissions, p => Assert.Equal(2, p.AndRules.Rules.Count));
        Assert.Equal("x-a", policy.Principals[1].AndIds.Ids[1].OrIds.Ids[0].Header.Name);
    }

    [Fact]
    public void On_tcp_an_allow_rule_with_http_only_fields_is_dropped()
    {
        var tcp = Http with { ForTcp = true };
        Assert.Null(RuleModel.Translate(Rule("to: [{operation: {paths: [/admin]}}]"), tcp, out var why));
        Assert.Contains("paths", why);
        Assert.Null(RuleModel.Translate(Rule("from: [{source: {requestPrincipals: [\"*\"]}}]"), tcp, out _));
        Assert.Null(RuleModel.Translate(Rule("when: [{key: \"request.headers[x]\", values: [y]}]"), tcp, out _));
        Assert.NotNull(RuleModel.Translate(Rule("from: [{source: {principals: [\"a/ns/b/sa/c\"]}}]\n    to: [{operation: {ports: [\"80\"]}}]"), tcp, out _));
    }

    [Fact]
    public void On_tcp_a_deny_rule_leaves_its_http_only_fields_out_and_gets_broader()
    {
        var tcp = new RuleContext("bookinfo", ForTcp: true, RbacAction.Deny);
        var policy = RuleModel.Translate(Rule("from: [{source: {namespaces: [dev]}}]\n    to: [{operation: {paths: [/admin], methods: [POST]}}]"), tcp, out _)!;
        Assert.Equal("""{ "andRules": { "rules": [ { "any": true } ] } }""", Json(Assert.Single(policy.Permissions)));
        Assert.Contains("/ns/dev/", Json(Assert.Single(policy.Principals)));
    }

    [Fact]
    public void Service_accounts_default_to_the_policys_namespace()
    {
        Assert.Contains(@"spiffe://.+/ns/bookinfo/(.+/|)sa/reviews(/.+)?", OnlyPrincipal("from: [{source: {serviceAccounts: [reviews]}}]"));
        Assert.Contains(@"spiffe://.+/ns/other/(.+/|)sa/reviews(/.+)?", OnlyPrincipal("from: [{source: {serviceAccounts: [other/reviews]}}]"));
    }
}
