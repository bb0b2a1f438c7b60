using Envoy.Config.Route.V3;
using Envoy.Extensions.Filters.Http.Router.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Routing;
using static Trellis.Proxy.Tests.Support.Envoy;
using static Trellis.Proxy.Tests.Support.TestFilters;

namespace Trellis.Proxy.Tests.HttpFilters;

/// <summary>typed_per_filter_config as Envoy resolves it: keyed by filter name, the route's entry over its virtual
/// host's over its route configuration's; a FilterConfig wrapper can mark an entry optional or turn the filter
/// off, and an entry turns on a filter the chain has disabled by default.</summary>
public sealed class PerFilterConfigsTests
{
    private static readonly HttpFilter[] MarkThenAnswer = [Filter(Mark, "hcm"), Terminal()];

    private static Any MarkConfig(string value) => Any.Pack(new StringValue { Value = value });

    private static Any Wrapped(Any? config = null, bool optional = false, bool disabled = false) =>
        Any.Pack(new FilterConfig { Config = config, IsOptional = optional, Disabled = disabled });

    private static Route At(string path, string name = "", params (string Key, Any Value)[] perFilter)
    {
        var route = ToCluster("c", path, name);
        route.Match = new RouteMatch { Path = path };
        foreach (var (key, value) in perFilter) route.TypedPerFilterConfig[key] = value;
        return route;
    }

    private static VirtualHost HostWith(string name, string[] domains, (string Key, Any Value)[] perFilter, params Route[] routes)
    {
        var host = Host(name, domains, routes);
        foreach (var (key, value) in perFilter) host.TypedPerFilterConfig[key] = value;
        return host;
    }

    [Fact]
    public async Task The_routes_config_wins_over_its_virtual_hosts_which_wins_over_the_route_configurations()
    {
        var config = Routes("r",
            HostWith("h", ["h"], [(Mark, MarkConfig("vhost"))], At("/own", perFilter: (Mark, MarkConfig("route"))), At("/other")),
            Host("plain", ["plain"], At("/")));
        config.TypedPerFilterConfig[Mark] = MarkConfig("route-configuration");

        Assert.Equal("test.mark=route", (await RunAsync(MarkThenAnswer, config, "h", "/own")).Ran);
        Assert.Equal("test.mark=vhost", (await RunAsync(MarkThenAnswer, config, "h", "/other")).Ran);
        Assert.Equal("test.mark=route-configuration", (await RunAsync(MarkThenAnswer, config, "plain", "/")).Ran);
        Assert.Equal("test.mark=hcm", (await RunAsync(MarkThenAnswer, Routes("r", Host("h", ["h"], At("/"))), "h", "/")).Ran);
    }

    [Fact]
    public async Task Configs_are_keyed_by_the_chains_name_for_the_filter()
    {
        HttpFilter[] chain = [Filter("first", "one"), Filter("second", "two"), Terminal()];
        var config = Routes("r", Host("h", ["h"], At("/", perFilter: ("second", MarkConfig("for-second")))));
        Assert.Equal("first=one,second=for-second", (await RunAsync(chain, config)).Ran);
    }

    [Fact]
    public void A_per_route_type_no_filter_takes_is_refused_naming_the_route_unless_optional()
    {
        var magic = new Any { TypeUrl = "type.googleapis.com/acme.filters.Magic" };
        var e = Assert.Throws<ConfigException>(() => RouteCompiler.Compile(Routes("r", Host("h", ["h"], At("/", "magic", ("acme.magic", magic)))), Registry));
        Assert.Equal("route configuration \"r\" virtual host \"h\" route \"magic\" typed_per_filter_config \"acme.magic\": no HTTP filter of this proxy takes acme.filters.Magic", e.Message);

        RouteCompiler.Compile(Routes("r", Host("h", ["h"], At("/", "magic", ("acme.magic", Wrapped(magic, optional: true))))), Registry);
    }

    [Fact]
    public void A_key_naming_one_filter_with_a_type_it_does_not_take_is_refused_naming_both()
    {
        var e = Assert.Throws<ConfigException>(() => RouteCompiler.Compile(Routes("r",
            Host("h", ["h"], At("/", "r1", ("envoy.filters.http.fault", Any.Pack(new Router())))))));
        Assert.Contains("typed_per_filter_config \"envoy.filters.http.fault\": holds a envoy.extensions.filters.http.router.v3.Router, which envoy.filters.http.fault does not take per route (it takes envoy.extensions.filters.http.fault.v3.HTTPFault)", e.Message);
    }

    [Fact]
    public void The_router_takes_no_per_route_config()
    {
        var e = Assert.Throws<ConfigException>(() => RouteCompiler.Compile(Routes("r", Host("h", ["h"], At("/", "r1", ("my-router", Any.Pack(new Router())))))));
        Assert.Contains("envoy.filters.http.router takes no per-route config", e.Message);
    }

    [Fact]
    public async Task A_FilterConfig_wrapper_carries_the_config()
    {
        var config = Routes("r", Host("h", ["h"], At("/", perFilter: (Mark, Wrapped(MarkConfig("wrapped"))))));
        Assert.Equal("test.mark=wrapped", (await RunAsync(MarkThenAnswer, config)).Ran);
    }

    [Fact]
    public async Task A_route_can_turn_a_filter_of_the_chain_off()
    {
        var config = Routes("r", Host("h", ["h"], At("/off", perFilter: (Mark, Wrapped(disabled: true))), At("/on")));
        Assert.Equal(("", 204), await RunAsync(MarkThenAnswer, config, path: "/off"));
        Assert.Equal(("test.mark=hcm", 204), await RunAsync(MarkThenAnswer, config, path: "/on"));
    }

    [Fact]
    public async Task A_filter_disabled_in_the_chain_runs_only_where_a_route_turns_it_on()
    {
        HttpFilter[] chain = [Filter(Mark, "hcm", disabled: true), Terminal()];
        var config = Routes("r", Host("h", ["h"],
            At("/enabled", perFilter: (Mark, Wrapped(new Any()))),
            At("/configured", perFilter: (Mark, MarkConfig("route"))),
            At("/untouched")));
        Assert.Equal("test.mark=hcm", (await RunAsync(chain, config, path: "/enabled")).Ran);
        Assert.Equal("test.mark=route", (await RunAsync(chain, config, path: "/configured")).Ran);
        Assert.Equal("", (await RunAsync(chain, config, path: "/untouched")).Ran);
    }

    [Fact]
    public async Task A_route_turns_back_on_what_its_virtual_host_turns_off_keeping_the_less_specific_config()
    {
        var config = Routes("r", HostWith("h", ["h"], [(Mark, Wrapped(disabled: true))],
            At("/back-on", perFilter: (Mark, Wrapped(new Any()))),
            At("/other")));
        config.TypedPerFilterConfig[Mark] = MarkConfig("route-configuration");
        Assert.Equal("test.mark=route-configuration", (await RunAsync(MarkThenAnswer, config, path: "/back-on")).Ran);
        Assert.Equal("", (await RunAsync(MarkThenAnswer, config, path: "/other")).Ran);
    }

    [Fact]
    public void A_FilterConfig_with_neither_config_nor_disabled_is_refused()
    {
        var e = Assert.Throws<ConfigException>(() => RouteCompiler.Compile(Routes("r", Host("h", ["h"], At("/", "empty", (Mark, Wrapped())))), Registry));
        Assert.Contains("route \"empty\" typed_per_filter_config \"test.mark\": FilterConfig has neither config nor disabled", e.Message);
    }

    [Fact]
    public async Task A_route_that_turns_off_the_terminal_filter_is_answered_by_the_proxy()
    {
        var config = Routes("r", Host("h", ["h"], At("/", perFilter: (Answer, Wrapped(disabled: true)))));
        Assert.Equal(500, (await RunAsync(MarkThenAnswer, config)).Status);
    }

    [Fact]
    public void Per_cluster_configs_of_weighted_clusters_are_refused_rather_than_ignored()
    {
        var route = At("/", "split");
        route.Route_ = new RouteAction
        {
            WeightedClusters = new WeightedCluster
            {
                Clusters = { new WeightedCluster.Types.ClusterWeight { Name = "a", Weight = 1, TypedPerFilterConfig = { [Mark] = MarkConfig("a") } } },
            },
        };
        var e = Assert.Throws<ConfigException>(() => RouteCompiler.Compile(Routes("r", Host("h", ["h"], route)), Registry));
        Assert.Contains("route \"split\": weighted_clusters cluster \"a\" has typed_per_filter_config", e.Message);
    }
}
