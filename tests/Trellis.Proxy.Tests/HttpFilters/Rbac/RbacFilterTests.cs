using Envoy.Config.Rbac.V3;
using Envoy.Config.Route.V3;
using Envoy.Extensions.Filters.Http.Rbac.V3;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Trellis.Proxy.Tests.Support;
using Trellis.Xds;
using static Trellis.Proxy.Tests.Support.Envoy;
using HttpRbac = Envoy.Extensions.Filters.Http.Rbac.V3.RBAC;
using Action = Envoy.Config.Rbac.V3.RBAC.Types.Action;

namespace Trellis.Proxy.Tests.HttpFilters.Rbac;

/// <summary>envoy.filters.http.rbac in a real listener: a denied request gets 403 "RBAC: access denied" and never
/// reaches the app; the client is not told which policy decided, the access log is.</summary>
public sealed class RbacFilterTests : IAsyncLifetime
{
    private const string Ratings = "inbound|9080||";
    private TestProxy _proxy = null!;
    private Upstream _app = null!;
    private int _port;
    private string _log = null!;

    public async Task InitializeAsync()
    {
        _proxy = await TestProxy.StartAsync();
        _app = await Upstream.StartAsync("ratings-v1");
        _port = Ports.Free();
        _log = Path.Combine(Path.GetTempPath(), $"rbac-{Guid.NewGuid():N}.log");
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _app.DisposeAsync();
        File.Delete(_log);
    }

    private Task ConfigureAsync(IMessage filterConfig, params Route[] routes) =>
        _proxy.PushAsync([Eds(Ratings)], [Endpoints(Ratings, _app.Port)],
            [Hcms.Listener("virtualInbound", _port, Hcms.Hcm("inbound", Hcms.Filter("envoy.filters.http.rbac", filterConfig)))
                .WithAccessLogs(AccessLogConfigs.File(_log, "%RESPONSE_CODE% %RESPONSE_CODE_DETAILS% %REQ(:PATH)%\n"))],
            [Routes("inbound", Host("ratings", ["*"], routes.Length > 0 ? routes : [ToCluster(Ratings)]))]);

    [Fact]
    public async Task A_denied_request_gets_403_and_only_the_log_says_which_policy()
    {
        await ConfigureAsync(RbacPolicies.DenyAdminPrefix());
        var denied = await RawHttp.GetAsync(_port, "/admin/users");
        Assert.Equal(403, denied.Status);
        Assert.Equal("RBAC: access denied", denied.Body);
        Assert.DoesNotContain(denied.Headers, h => h.Value.Contains("deny-admin") || h.Value.Contains("rbac_access_denied"));
        var allowed = await RawHttp.GetAsync(_port, "/ratings/1");
        Assert.Equal(200, allowed.Status);
        Assert.Equal(1, _app.Requests);
        var lines = await AccessLogConfigs.LinesAsync(_log, 2);
        Assert.Contains(lines, l => l.StartsWith("403 ") && l.Contains($"rbac_access_denied_matched_policy[{RbacPolicies.DenyAdmin}]") && l.EndsWith("/admin/users"));
    }

    [Fact]
    public async Task An_allow_policy_that_matches_nothing_denies_with_no_policy_named()
    {
        var rules = RbacPolicies.Rules(Action.Allow, ("ns[bookinfo]-policy[allow-get]-rule[0]",
            new Permission { Header = new HeaderMatcher { Name = ":method", ExactMatch = "POST" } }, RbacPolicies.AnyPrincipal()));
        await ConfigureAsync(new HttpRbac { Rules = rules });
        Assert.Equal(403, (await RawHttp.GetAsync(_port, "/ratings/1")).Status);
        Assert.Contains(await AccessLogConfigs.LinesAsync(_log, 1), l => l.Contains("rbac_access_denied_matched_policy[none]"));
        Assert.Equal(0, _app.Requests);
    }

    [Fact]
    public async Task Shadow_and_log_rules_never_block()
    {
        var denyAll = RbacPolicies.Rules(Action.Deny, ("deny-all", RbacPolicies.AnyPermission(), RbacPolicies.AnyPrincipal()));
        await ConfigureAsync(new HttpRbac { ShadowRules = denyAll, Rules = RbacPolicies.Rules(Action.Log, ("audit", RbacPolicies.AnyPermission(), RbacPolicies.AnyPrincipal())) });
        Assert.Equal(200, (await RawHttp.GetAsync(_port, "/admin")).Status);
        Assert.Equal(1, _app.Requests);
    }

    [Fact]
    public async Task A_route_without_rbac_in_its_per_route_config_is_not_checked()
    {
        var open = ToCluster(Ratings, "/health", "health");
        open.TypedPerFilterConfig["envoy.filters.http.rbac"] = Any.Pack(new RBACPerRoute());
        var strict = ToCluster(Ratings, "/", "all");
        await ConfigureAsync(new HttpRbac { Rules = RbacPolicies.Rules(Action.Allow) }, open, strict);
        Assert.Equal(200, (await RawHttp.GetAsync(_port, "/health")).Status);
        Assert.Equal(403, (await RawHttp.GetAsync(_port, "/ratings")).Status);
        var replaced = ToCluster(Ratings, "/", "replaced");
        replaced.TypedPerFilterConfig["envoy.filters.http.rbac"] = Any.Pack(new RBACPerRoute { Rbac = RbacPolicies.DenyAdminPrefix() });
        await ConfigureAsync(new HttpRbac { Rules = RbacPolicies.Rules(Action.Allow) }, replaced);
        Assert.Equal(200, (await RawHttp.GetAsync(_port, "/ratings")).Status);
        Assert.Equal(403, (await RawHttp.GetAsync(_port, "/admin")).Status);
    }

    [Fact]
    public async Task A_policy_the_proxy_cannot_apply_is_nacked_and_the_last_good_one_keeps_serving()
    {
        await ConfigureAsync(RbacPolicies.DenyAdminPrefix());
        var broken = RbacPolicies.DenyAdminPrefix();
        broken.Rules.Policies[RbacPolicies.DenyAdmin].Principals.Clear();
        var error = await _proxy.ApplyAsync(TypeUrls.Listener,
            Hcms.Listener("virtualInbound", _port, Hcms.Hcm("inbound", Hcms.Filter("envoy.filters.http.rbac", broken))));
        Assert.NotNull(error);
        Assert.Contains("principals must hold at least one identifier", error);
        Assert.Contains(RbacPolicies.DenyAdmin, error);
        Assert.Equal(403, (await RawHttp.GetAsync(_port, "/admin")).Status);
    }
}
