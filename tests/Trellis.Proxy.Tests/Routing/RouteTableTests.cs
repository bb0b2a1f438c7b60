using Envoy.Config.Route.V3;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Routing;
using static Trellis.Proxy.Tests.Support.Envoy;

namespace Trellis.Proxy.Tests.Routing;

public class RouteTableTests
{
    private static RouteTable Table() => RouteCompiler.Compile(Routes("r",
        Host("exact", ["reviews:9080", "reviews.bookinfo.svc.cluster.local:9080"], ToCluster("a")),
        Host("short-suffix", ["*.com"], ToCluster("b")),
        Host("long-suffix", ["*.example.com"], ToCluster("c")),
        Host("short-prefix", ["api*"], ToCluster("d")),
        Host("long-prefix", ["api.internal*"], ToCluster("e")),
        Host("default", ["*"], ToCluster("f"))));

    [Theory]
    [InlineData("reviews:9080", "exact")]
    [InlineData("REVIEWS:9080", "exact")]
    [InlineData("reviews.bookinfo.svc.cluster.local:9080", "exact")]
    [InlineData("www.example.com", "long-suffix")]
    [InlineData("www.other.com", "short-suffix")]
    [InlineData("api.example.com", "long-suffix")] // suffix wildcards beat prefix wildcards
    [InlineData("api.internal.local", "long-prefix")]
    [InlineData("api-gw", "short-prefix")]
    [InlineData("reviews:9081", "default")]
    [InlineData("", "default")]
    public void Selects_virtual_hosts_in_envoys_order(string authority, string expected) =>
        Assert.Equal(expected, Table().SelectVirtualHost(authority)?.Name);

    [Fact]
    public void Wildcards_must_match_at_least_one_character()
    {
        var table = RouteCompiler.Compile(Routes("r", Host("s", ["*.example.com"], ToCluster("a"))));
        Assert.Null(table.SelectVirtualHost(".example.com"));
        Assert.Equal("s", table.SelectVirtualHost("a.example.com")?.Name);
    }

    [Fact]
    public void Without_a_catch_all_an_unknown_host_selects_nothing() =>
        Assert.Null(RouteCompiler.Compile(Routes("r", Host("a", ["reviews:9080"], ToCluster("a")))).SelectVirtualHost("ratings:9080"));

    [Fact]
    public void Ignore_port_in_host_matching_strips_the_port()
    {
        var config = Routes("r", Host("a", ["reviews"], ToCluster("a")));
        config.IgnorePortInHostMatching = true;
        Assert.Equal("a", RouteCompiler.Compile(config).SelectVirtualHost("reviews:9080")?.Name);
    }

    [Fact]
    public void A_domain_in_two_virtual_hosts_is_rejected()
    {
        var e = Assert.Throws<ConfigException>(() => RouteCompiler.Compile(Routes("r", Host("a", ["x"], ToCluster("a")), Host("b", ["X"], ToCluster("b")))));
        Assert.Contains("\"X\"", e.Message);
        Assert.Contains("\"b\"", e.Message);
    }

    [Fact]
    public void First_matching_route_wins()
    {
        var table = RouteCompiler.Compile(Routes("r", Host("h", ["*"],
            ToCluster("specific", "/reviews/1", "one"), ToCluster("general", "/reviews", "all"), ToCluster("also-specific", "/reviews/1", "late"))));
        var host = table.SelectVirtualHost("x")!;
        Assert.Equal("one", host.Match(Support.Requests.Get("/reviews/1"))!.Name);
        Assert.Equal("all", host.Match(Support.Requests.Get("/reviews/2"))!.Name);
        Assert.Null(host.Match(Support.Requests.Get("/ratings")));
    }

    [Fact]
    public void An_invalid_regex_is_rejected_naming_the_route()
    {
        var route = new Route { Name = "bad-one", Match = new RouteMatch { SafeRegex = new global::Envoy.Type.Matcher.V3.RegexMatcher { Regex = "/reviews/(" } }, Route_ = new RouteAction { Cluster = "a" } };
        var e = Assert.Throws<ConfigException>(() => RouteCompiler.Compile(Routes("outbound", Host("reviews", ["*"], route))));
        Assert.Contains("route \"bad-one\"", e.Message);
        Assert.Contains("virtual host \"reviews\"", e.Message);
        Assert.Contains("/reviews/(", e.Message);
    }

    [Fact]
    public void A_max_stream_duration_bounds_connect_tunnels_and_is_refused_on_routes_for_requests()
    {
        var connect = ConnectTo("a", terminate: false);
        connect.Route_.MaxStreamDuration = new RouteAction.Types.MaxStreamDuration { MaxStreamDuration_ = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromMinutes(5)) };
        var action = (ForwardAction)RouteCompiler.Compile(Routes("r", Host("h", ["*"], connect))).SelectVirtualHost("x")!.Routes.Single().Action;
        Assert.Equal(TimeSpan.FromMinutes(5), action.TunnelMaxDuration);

        var requests = ToCluster("a");
        requests.Route_.MaxStreamDuration = connect.Route_.MaxStreamDuration;
        var e = Assert.Throws<ConfigException>(() => RouteCompiler.Compile(Routes("r", Host("h", ["*"], requests))));
        Assert.Contains("max_stream_duration is supported on connect_matcher routes only", e.Message);

        // 0s is Envoy's way to say "none", so it is no bound on either kind of route.
        requests.Route_.MaxStreamDuration = new RouteAction.Types.MaxStreamDuration { MaxStreamDuration_ = new Google.Protobuf.WellKnownTypes.Duration() };
        Assert.Null(((ForwardAction)RouteCompiler.Compile(Routes("r", Host("h", ["*"], requests))).SelectVirtualHost("x")!.Routes.Single().Action).TunnelMaxDuration);
    }
}
