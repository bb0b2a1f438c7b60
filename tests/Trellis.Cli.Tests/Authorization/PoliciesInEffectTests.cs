using System.Text.Json.Nodes;
using Envoy.Config.Listener.V3;
using Envoy.Config.Route.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Trellis.Cli.Authorization;
using Trellis.Xds;
using Rbac = Envoy.Config.Rbac.V3.RBAC;
using RbacFilter = Envoy.Extensions.Filters.Http.Rbac.V3.RBAC;
using RbacPerRoute = Envoy.Extensions.Filters.Http.Rbac.V3.RBACPerRoute;

namespace Trellis.Cli.Tests.Authorization;

/// <summary>`x authz check` reads what a proxy enforces from an Envoy-shaped config dump: its RBAC filters'
/// policy names, and the TCP route's per-route RBAC.</summary>
public sealed class PoliciesInEffectTests
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithPreserveProtoFieldNames(true).WithTypeRegistry(XdsAny.Registry));

    private static Rbac Rules(Rbac.Types.Action action, params string[] names)
    {
        var rbac = new Rbac { Action = action };
        foreach (var name in names) rbac.Policies[name] = new Envoy.Config.Rbac.V3.Policy();
        return rbac;
    }

    private static HttpFilter Filter(string name, IMessage config) => new() { Name = name, TypedConfig = Any.Pack(config) };

    private static JsonNode Dump(IEnumerable<HttpFilter> filters, Route? connect = null)
    {
        var hcm = new HttpConnectionManager { StatPrefix = "inbound_0.0.0.0_9080", RouteConfig = new RouteConfiguration() };
        hcm.HttpFilters.Add(filters);
        var host = new VirtualHost { Name = "inbound|http|9080", Domains = { "*" } };
        if (connect is not null) host.Routes.Add(connect);
        hcm.RouteConfig.VirtualHosts.Add(host);
        var listener = new Listener
        {
            Name = "virtualInbound",
            FilterChains = { new FilterChain { Filters = { new Filter { Name = "envoy.filters.network.http_connection_manager", TypedConfig = Any.Pack(hcm) } } } },
        };
        // The shape of Envoy's (and the proxy's) /config_dump listeners section.
        var json = Formatter.Format(listener);
        return JsonNode.Parse($$$"""
            {"configs": [{"@type": "type.googleapis.com/envoy.admin.v3.ListenersConfigDump",
              "dynamic_listeners": [{"name": "virtualInbound", "active_state": {"version_info": "1", "listener": {{{json}}} } }] }] }
            """)!;
    }

    [Fact]
    public void Lists_each_policy_with_its_action_and_rules_in_evaluation_order()
    {
        var policies = PoliciesInEffect.Read(Dump(
        [
            Filter("envoy.filters.http.rbac.deny", new RbacFilter { Rules = Rules(Rbac.Types.Action.Deny, "ns[bookinfo]-policy[no-admin]-rule[0]") }),
            Filter("envoy.filters.http.rbac.allow", new RbacFilter
            {
                Rules = Rules(Rbac.Types.Action.Allow, "ns[bookinfo]-policy[viewer]-rule[1]", "ns[bookinfo]-policy[viewer]-rule[0]", "ns[istio-system]-policy[mesh]-rule[0]"),
            }),
            Filter("envoy.filters.http.rbac.audit", new RbacFilter { Rules = Rules(Rbac.Types.Action.Log, "ns[bookinfo]-policy[audit]-rule[0]") }),
        ]));
        Assert.Equal(["AUDIT bookinfo/audit", "DENY bookinfo/no-admin", "ALLOW bookinfo/viewer", "ALLOW istio-system/mesh"],
            policies.Select(p => $"{p.Action} {p.Namespace}/{p.Name}"));
        Assert.Equal([0, 1], policies.Single(p => p.Name == "viewer").HttpRules);
    }

    [Fact]
    public void Custom_dry_run_and_a_provider_that_cannot_be_used_are_told_apart()
    {
        var policies = PoliciesInEffect.Read(Dump(
        [
            Filter("envoy.filters.http.rbac.custom", new RbacFilter
            {
                ShadowRules = Rules(Rbac.Types.Action.Deny, "istio-ext-authz-my-authz-ns[bookinfo]-policy[ext]-rule[0]"),
                ShadowRulesStatPrefix = "istio_ext_authz_",
            }),
            Filter("envoy.filters.http.rbac.custom.x", new RbacFilter { Rules = Rules(Rbac.Types.Action.Deny, "istio-ext-authz-nowhere-ns[bookinfo]-policy[bad]-rule[0]-deny-due-to-bad-CUSTOM-action") }),
            Filter("envoy.filters.http.rbac.deny", new RbacFilter { ShadowRules = Rules(Rbac.Types.Action.Deny, "ns[bookinfo]-policy[try]-rule[0]"), ShadowRulesStatPrefix = "istio_dry_run_deny_" }),
        ]));
        var custom = policies.Single(p => p.Name == "ext");
        Assert.Equal(("CUSTOM", "my-authz", false), (custom.Action, custom.Provider, custom.DryRun));
        var bad = policies.Single(p => p.Name == "bad");
        Assert.Equal("DENY", bad.Action);
        Assert.Contains("\"nowhere\" cannot be used", bad.Note);
        var dryRun = policies.Single(p => p.Name == "try");
        Assert.Equal(("DENY", true), (dryRun.Action, dryRun.DryRun));
    }

    [Fact]
    public void Rules_enforced_on_tcp_tunnels_come_from_the_connect_routes_per_route_rbac()
    {
        var connect = new Route { Name = "inbound", Match = new RouteMatch { ConnectMatcher = new RouteMatch.Types.ConnectMatcher() } };
        connect.TypedPerFilterConfig["envoy.filters.http.rbac.allow"] = Any.Pack(new RbacPerRoute
        {
            Rbac = new RbacFilter { Rules = Rules(Rbac.Types.Action.Allow, "ns[bookinfo]-policy[viewer]-rule[1]") },
        });
        var viewer = Assert.Single(PoliciesInEffect.Read(Dump(
            [Filter("envoy.filters.http.rbac.allow", new RbacFilter { Rules = Rules(Rbac.Types.Action.Allow, "ns[bookinfo]-policy[viewer]-rule[0]", "ns[bookinfo]-policy[viewer]-rule[1]") })],
            connect)));
        Assert.Equal([0, 1], viewer.HttpRules);
        Assert.Equal([1], viewer.TcpRules);
    }

    [Fact]
    public void A_proxy_without_authorization_filters_enforces_no_policy()
    {
        Assert.Empty(PoliciesInEffect.Read(Dump([])));
        Assert.Empty(PoliciesInEffect.Read(JsonNode.Parse("""{"configs": []}""")!));
    }
}
