using Envoy.Config.Route.V3;
using Trellis.Proxy.Forwarding;
using Trellis.Proxy.Routing;
using static Trellis.Proxy.Tests.Support.Envoy;

namespace Trellis.Proxy.Tests.Routing;

public class ForwardActionTests
{
    private static ForwardAction Weighted(params (string Name, uint Weight)[] clusters)
    {
        var action = new RouteAction { WeightedClusters = new WeightedCluster() };
        foreach (var (name, weight) in clusters) action.WeightedClusters.Clusters.Add(new WeightedCluster.Types.ClusterWeight { Name = name, Weight = weight });
        var route = new Route { Name = "w", Match = new RouteMatch { Prefix = "/" }, Route_ = action };
        return (ForwardAction)RouteCompiler.Compile(Routes("r", Host("h", ["*"], route))).VirtualHosts[0].Routes[0].Action;
    }

    [Fact]
    public void Weighted_picks_follow_the_weights()
    {
        var action = Weighted(("v1", 90), ("v2", 10));
        var random = new Random(1234);
        var v2 = Enumerable.Range(0, 10_000).Count(_ => action.Pick(random).Name == "v2");
        // 10% of 10,000 with a 99.9% binomial bound of about ±100.
        Assert.InRange(v2, 900, 1100);
    }

    [Fact]
    public void Weighted_draws_map_to_cumulative_ranges()
    {
        var action = Weighted(("a", 1), ("b", 0), ("c", 3));
        Assert.Equal(4u, action.TotalWeight);
        Assert.Equal("a", action.Pick(0).Name);
        Assert.Equal("c", action.Pick(1).Name);
        Assert.Equal("c", action.Pick(3).Name);
    }

    [Fact]
    public void A_zero_weight_cluster_is_never_picked()
    {
        var action = Weighted(("v1", 100), ("v2", 0));
        var random = new Random(7);
        Assert.All(Enumerable.Range(0, 1000), _ => Assert.Equal("v1", action.Pick(random).Name));
    }

    [Fact]
    public void Timeout_zero_means_none_and_unset_means_envoys_fifteen_seconds()
    {
        var none = (ForwardAction)RouteCompiler.Compile(Routes("r", Host("h", ["*"], ToCluster("a")))).VirtualHosts[0].Routes[0].Action;
        Assert.Null(none.Timeout);
        var route = ToCluster("a");
        route.Route_.Timeout = null;
        var unset = (ForwardAction)RouteCompiler.Compile(Routes("r", Host("h", ["*"], route))).VirtualHosts[0].Routes[0].Action;
        Assert.Equal(TimeSpan.FromSeconds(15), unset.Timeout);
    }

    [Theory]
    [InlineData("/reviews/1", "/reviews", "/v2/reviews", "/v2/reviews/1")]
    [InlineData("/reviews/1", "/reviews/", "/", "/1")]
    public void Prefix_rewrite_replaces_the_matched_prefix(string path, string prefix, string rewrite, string expected)
    {
        var match = PathMatch.From(new RouteMatch { Prefix = prefix }, "t");
        Assert.Equal(expected, Redirects.Rewrite(path, match, rewrite, null));
    }

    [Fact]
    public void Regex_rewrite_substitutes_with_re2_group_references()
    {
        // Envoy's documented example.
        var pattern = RegexFactory.Search(new global::Envoy.Type.Matcher.V3.RegexMatcher { Regex = "^/service/([^/]+)(/.*)$" }, "t");
        var match = PathMatch.From(new RouteMatch { Prefix = "/" }, "t");
        Assert.Equal("/v1/api/instance/foo", Redirects.Rewrite("/service/foo/v1/api", match, null, (pattern, RegexFactory.Substitution("\\2/instance/\\1"))));
    }
}
