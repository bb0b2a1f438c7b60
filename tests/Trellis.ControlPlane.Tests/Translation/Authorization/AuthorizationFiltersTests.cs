using Envoy.Config.Route.V3;
using Envoy.Extensions.Filters.Http.ExtAuthz.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Trellis.ControlPlane.Translation;
using Trellis.ControlPlane.Translation.Authorization;
using static Trellis.ControlPlane.Tests.Translation.Authorization.AuthzFixture;
using RbacAction = Envoy.Config.Rbac.V3.RBAC.Types.Action;

namespace Trellis.ControlPlane.Tests.Translation.Authorization;

/// <summary>Which policies a proxy takes and the HTTP filters they become, in Istio's order and with Istio's names.</summary>
public sealed class AuthorizationFiltersTests
{
    private const string ExtAuthzProvider = """
        extensionProviders:
        - name: my-authz
          envoyExtAuthzHttp:
            service: ratings.bookinfo.svc.cluster.local
            port: 9080
            timeout: 2s
            pathPrefix: /check
            includeRequestHeadersInCheck: [x-user, "x-ext-*"]
            headersToUpstreamOnAllow: [x-authz-user]
            headersToDownstreamOnDeny: [x-reason]
            statusOnError: "503"
        """;

    [Fact]
    public void Without_policies_a_proxy_gets_no_authorization_filters()
    {
        var hcm = InboundHcm(MeshFixture.Bookinfo(), Reviews);
        Assert.Equal(["envoy.filters.http.fault", "envoy.filters.http.router"], hcm.HttpFilters.Select(f => f.Name));
        Assert.Empty(ConnectRoute(hcm).TypedPerFilterConfig);
    }

    [Fact]
    public void Filters_come_before_fault_and_router_in_istios_order_custom_audit_deny_allow()
    {
        var mesh = MeshFixture.Bookinfo(MeshFixture.MeshConfig(ExtAuthzProvider),
            Policy("allow", "  rules: [{}]"),
            Policy("deny", "  action: DENY\n  rules: [{to: [{operation: {paths: [/admin*]}}]}]"),
            Policy("audit", "  action: AUDIT\n  rules: [{}]"),
            Policy("custom", "  action: CUSTOM\n  provider: {name: my-authz}\n  rules: [{to: [{operation: {paths: [/secure*]}}]}]"));
        Assert.Equal(
        [
            AuthorizationFilters.CustomRbacFilterName, AuthorizationFilters.ExtAuthzFilterName, AuthorizationFilters.AuditFilterName,
            AuthorizationFilters.DenyFilterName, AuthorizationFilters.AllowFilterName, "envoy.filters.http.fault", "envoy.filters.http.router",
        ], InboundHcm(mesh, Reviews).HttpFilters.Select(f => f.Name));
    }

    [Fact]
    public void Each_rule_is_one_rbac_policy_named_by_namespace_policy_and_index()
    {
        var config = For(Reviews, Policy("reviews-viewer", """
              selector: {matchLabels: {app: reviews}}
              rules:
              - from: [{source: {principals: ["cluster.local/ns/bookinfo/sa/productpage"]}}]
              - to: [{operation: {methods: [GET]}}]
            """));
        var rbac = Rbac(config, AuthorizationFilters.AllowFilterName).Rules;
        Assert.Equal(RbacAction.Allow, rbac.Action);
        Assert.Equal(["ns[bookinfo]-policy[reviews-viewer]-rule[0]", "ns[bookinfo]-policy[reviews-viewer]-rule[1]"], rbac.Policies.Keys.Order());
    }

    [Fact]
    public void Spec_empty_allows_nothing_and_denies_every_request()
    {
        var rbac = Rbac(For(Reviews, Policy("deny-all", "  {}")), AuthorizationFilters.AllowFilterName).Rules;
        Assert.Equal(RbacAction.Allow, rbac.Action);
        var never = Assert.Single(rbac.Policies, kv => kv.Key == "ns[bookinfo]-policy[deny-all]-rule[0]").Value;
        Assert.True(Assert.Single(never.Permissions).NotRule.Any);
        Assert.True(Assert.Single(never.Principals).NotId.Any);
    }

    [Fact]
    public void A_deny_policy_alone_leaves_no_allow_filter_so_everything_else_is_allowed()
    {
        var config = For(Reviews, Policy("no-admin", "  action: DENY\n  rules: [{to: [{operation: {paths: [/admin]}}]}]"));
        Assert.Equal([AuthorizationFilters.DenyFilterName], config.HttpFilters.Select(f => f.Name));
        Assert.Equal(RbacAction.Deny, Rbac(config, AuthorizationFilters.DenyFilterName).Rules.Action);
    }

    [Fact]
    public void Audit_policies_become_rbac_with_action_log()
    {
        var rbac = Rbac(For(Reviews, Policy("audit", "  action: AUDIT\n  rules: [{to: [{operation: {methods: [DELETE]}}]}]")), AuthorizationFilters.AuditFilterName);
        Assert.Equal(RbacAction.Log, rbac.Rules.Action);
    }

    [Fact]
    public void A_dry_run_policy_is_only_shadow_rules()
    {
        var rbac = Rbac(For(Reviews, Policy("try", "  action: DENY\n  rules: [{}]", annotations: "  annotations: {\"istio.io/dry-run\": \"true\"}")),
            AuthorizationFilters.DenyFilterName);
        Assert.Null(rbac.Rules);
        Assert.Equal("istio_dry_run_deny_", rbac.ShadowRulesStatPrefix);
        Assert.Single(rbac.ShadowRules.Policies);
    }

    [Fact]
    public void Policies_apply_from_the_root_namespace_and_the_workloads_namespace_when_the_selector_matches()
    {
        var config = For(Reviews,
            Policy("mesh-wide", "  action: DENY\n  rules: [{to: [{operation: {paths: [/debug]}}]}]", ns: "istio-system"),
            Policy("for-reviews", "  selector: {matchLabels: {app: reviews}}\n  rules: [{}]"),
            Policy("for-ratings", "  selector: {matchLabels: {app: ratings}}\n  rules: [{}]"),
            Policy("elsewhere", "  rules: [{}]", ns: "default"),
            Policy("for-a-gateway", "  targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: gw}]\n  rules: [{}]"));
        Assert.Equal(["ns[istio-system]-policy[mesh-wide]-rule[0]"], Rbac(config, AuthorizationFilters.DenyFilterName).Rules.Policies.Keys);
        Assert.Equal(["ns[bookinfo]-policy[for-reviews]-rule[0]"], Rbac(config, AuthorizationFilters.AllowFilterName).Rules.Policies.Keys);
    }

    [Fact]
    public void The_ingress_gateway_takes_policies_that_select_it()
    {
        var mesh = MeshFixture.Bookinfo(
            Policy("gw", "  selector: {matchLabels: {istio: ingressgateway}}\n  action: DENY\n  rules: [{from: [{source: {ipBlocks: [1.2.3.4]}}]}]", ns: "istio-system"));
        var listener = ProxyConfigBuilder.Build(mesh, MeshFixture.IngressGateway()).Listeners.OfType<Envoy.Config.Listener.V3.Listener>().Single();
        Assert.Equal(AuthorizationFilters.DenyFilterName, Hcm(listener).HttpFilters[0].Name);
    }

    [Fact]
    public void Custom_marks_matching_requests_with_a_shadow_rbac_and_runs_ext_authz_only_for_them()
    {
        var config = For(Reviews, MeshFixture.MeshConfig(ExtAuthzProvider),
            Policy("ext", "  action: CUSTOM\n  provider: {name: my-authz}\n  rules: [{to: [{operation: {paths: [/secure*]}}]}]"));
        var shadow = Rbac(config, AuthorizationFilters.CustomRbacFilterName);
        Assert.Null(shadow.Rules);
        Assert.Equal("istio_ext_authz_", shadow.ShadowRulesStatPrefix);
        Assert.Equal(["istio-ext-authz-my-authz-ns[bookinfo]-policy[ext]-rule[0]"], shadow.ShadowRules.Policies.Keys);

        var extAuthz = config.HttpFilters.Single(f => f.Name == AuthorizationFilters.ExtAuthzFilterName).TypedConfig.Unpack<ExtAuthz>();
        Assert.Equal("outbound|9080||ratings.bookinfo.svc.cluster.local", extAuthz.HttpService.ServerUri.Cluster);
        Assert.Equal("http://ratings.bookinfo.svc.cluster.local", extAuthz.HttpService.ServerUri.Uri);
        Assert.Equal(TimeSpan.FromSeconds(2), extAuthz.HttpService.ServerUri.Timeout.ToTimeSpan());
        Assert.Equal("/check", extAuthz.HttpService.PathPrefix);
        Assert.False(extAuthz.FailureModeAllow);
        Assert.Equal(503, (int)extAuthz.StatusOnError.Code);
        Assert.Equal(["x-user", "x-ext-"], extAuthz.AllowedHeaders.Patterns.Select(p => p.Exact.Length > 0 ? p.Exact : p.Prefix));
        Assert.Equal("x-authz-user", Assert.Single(extAuthz.HttpService.AuthorizationResponse.AllowedUpstreamHeaders.Patterns).Exact);
        Assert.Equal("x-reason", Assert.Single(extAuthz.HttpService.AuthorizationResponse.AllowedClientHeaders.Patterns).Exact);
        Assert.Equal("envoy.filters.http.rbac", extAuthz.FilterEnabledMetadata.Filter);
        Assert.Equal("istio_ext_authz_shadow_effective_policy_id", Assert.Single(extAuthz.FilterEnabledMetadata.Path).Key);
        Assert.Equal("istio-ext-authz-my-authz", extAuthz.FilterEnabledMetadata.Value.StringMatch.Prefix);
        Assert.Empty(config.Problems);
    }

    [Fact]
    public void A_custom_policy_naming_an_unknown_provider_denies_what_it_matches_and_says_why()
    {
        var config = For(Reviews, Policy("ext", "  action: CUSTOM\n  provider: {name: nowhere}\n  rules: [{to: [{operation: {paths: [/secure*]}}]}]"));
        Assert.DoesNotContain(config.HttpFilters, f => f.Name == AuthorizationFilters.ExtAuthzFilterName);
        var rbac = Rbac(config, AuthorizationFilters.CustomRbacFilterName).Rules;
        Assert.Equal(RbacAction.Deny, rbac.Action);
        Assert.Equal(["istio-ext-authz-nowhere-ns[bookinfo]-policy[ext]-rule[0]-deny-due-to-bad-CUSTOM-action"], rbac.Policies.Keys);
        Assert.Contains("unknown extension provider \"nowhere\"", Assert.Single(config.Problems));
        Assert.Equal(RbacAction.Deny, TcpRbac(config, AuthorizationFilters.CustomRbacFilterName).Rules.Action);
    }

    [Fact]
    public void Tcp_tunnels_get_the_tcp_translation_on_the_connect_route()
    {
        var mesh = MeshFixture.Bookinfo(MeshFixture.MeshConfig(ExtAuthzProvider),
            Policy("allow-get", "  rules: [{to: [{operation: {methods: [GET]}}]}, {from: [{source: {principals: [\"cluster.local/ns/bookinfo/sa/productpage\"]}}]}]"),
            Policy("deny-admin", "  action: DENY\n  rules: [{from: [{source: {namespaces: [dev]}}], to: [{operation: {paths: [/admin]}}]}]"),
            Policy("ext", "  action: CUSTOM\n  provider: {name: my-authz}\n  rules: [{}]"));
        var route = ConnectRoute(InboundHcm(mesh, Reviews));
        var allow = route.TypedPerFilterConfig[AuthorizationFilters.AllowFilterName].Unpack<Envoy.Extensions.Filters.Http.Rbac.V3.RBACPerRoute>().Rbac.Rules;
        Assert.Equal(["ns[bookinfo]-policy[allow-get]-rule[1]"], allow.Policies.Keys);
        var deny = route.TypedPerFilterConfig[AuthorizationFilters.DenyFilterName].Unpack<Envoy.Extensions.Filters.Http.Rbac.V3.RBACPerRoute>().Rbac.Rules;
        Assert.True(Assert.Single(deny.Policies).Value.Permissions.Single().AndRules.Rules.Single().Any);
        Assert.True(route.TypedPerFilterConfig[AuthorizationFilters.ExtAuthzFilterName].Unpack<FilterConfig>().Disabled);
        Assert.True(route.TypedPerFilterConfig[AuthorizationFilters.CustomRbacFilterName].Unpack<FilterConfig>().Disabled);
    }

    [Fact]
    public void An_allow_policy_whose_rules_are_all_http_only_allows_no_tcp_traffic()
    {
        var config = For(Reviews, Policy("http-only", "  rules: [{to: [{operation: {paths: [\"/*\"]}}]}]"));
        var tcp = TcpRbac(config, AuthorizationFilters.AllowFilterName).Rules;
        Assert.Equal(RbacAction.Allow, tcp.Action);
        Assert.Empty(tcp.Policies);
    }

    [Theory]
    [InlineData("", true, false, HttpConnectionManager.Types.PathWithEscapedSlashesAction.KeepUnchanged)]
    [InlineData("pathNormalization: {normalization: NONE}", false, false, HttpConnectionManager.Types.PathWithEscapedSlashesAction.KeepUnchanged)]
    [InlineData("pathNormalization: {normalization: BASE}", true, false, HttpConnectionManager.Types.PathWithEscapedSlashesAction.KeepUnchanged)]
    [InlineData("pathNormalization: {normalization: MERGE_SLASHES}", true, true, HttpConnectionManager.Types.PathWithEscapedSlashesAction.KeepUnchanged)]
    [InlineData("pathNormalization: {normalization: DECODE_AND_MERGE_SLASHES}", true, true, HttpConnectionManager.Types.PathWithEscapedSlashesAction.UnescapeAndForward)]
    public void Path_normalization_sets_the_hcm_as_istio_does(string mesh, bool normalize, bool merge, HttpConnectionManager.Types.PathWithEscapedSlashesAction escaped)
    {
        var model = mesh.Length == 0 ? MeshFixture.Bookinfo() : MeshFixture.Bookinfo(MeshFixture.MeshConfig(mesh));
        foreach (var hcm in new[] { InboundHcm(model, Reviews), Hcm(ProxyConfigBuilder.Build(model, MeshFixture.IngressGateway()).Listeners.OfType<Envoy.Config.Listener.V3.Listener>().Single()) })
        {
            Assert.Equal((bool?)normalize, hcm.NormalizePath);
            Assert.Equal(merge, hcm.MergeSlashes);
            Assert.Equal(escaped, hcm.PathWithEscapedSlashesAction);
        }
    }
}
