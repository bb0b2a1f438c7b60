using Trellis.Config.Loading;
using Trellis.Config.Model.Networking;
using Trellis.Config.Semantics;

namespace Trellis.Config.Tests.Semantics;

/// <summary>DestinationRules merged and looked up as istiod does (pilot/pkg/model/destination_rule.go, push_context.go).</summary>
public class DestinationRuleIndexTests
{
    private const string Reviews = "reviews.bookinfo.svc.cluster.local";
    private static readonly DestinationRuleClient Bookinfo = new("bookinfo", new Dictionary<string, string> { ["app"] = "productpage" });

    /// <summary>A DestinationRule; <paramref name="extra"/> is more YAML under spec (two spaces in).</summary>
    private static string Rule(string name, string ns, string host, string subsets, string extra = "") =>
        $"apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {{name: {name}, namespace: {ns}}}\n"
        + $"spec:\n  host: {host}\n  subsets: [{subsets}]\n{extra}---\n";

    /// <summary>The index of these rules under the mesh config among them (<see cref="Load.MeshConfig"/>), if any.</summary>
    private static DestinationRuleIndex Index(params string[] rulesOldestFirst)
    {
        var load = Load.Text(string.Concat(rulesOldestFirst));
        Assert.False(load.HasErrors, string.Join("\n", load.Diagnostics));
        return new DestinationRuleIndex(load.Resources, MeshConfigReader.Settings(load.Resources));
    }

    private static IEnumerable<string> Subsets(EffectiveDestinationRule? rule) =>
        rule?.Spec.Subsets?.Select(s => $"{s.Name}:{string.Join(",", (s.Labels ?? new Dictionary<string, string>()).Values)}") ?? [];

    private static string? Lb(EffectiveDestinationRule? rule) => rule?.Spec.TrafficPolicy?.LoadBalancer?.Simple;

    [Fact]
    public void Rules_for_one_host_merge_their_subsets_in_creation_order()
    {
        var index = Index(
            Rule("reviews", "bookinfo", "reviews", "{name: v1, labels: {version: v1}}"),
            Rule("reviews-extra", "bookinfo", "reviews.bookinfo.svc.cluster.local", "{name: blue, labels: {version: v2}}, {name: green, labels: {version: v3}}"));

        var rule = index.For(Reviews, "bookinfo", Bookinfo);

        Assert.Equal(["v1:v1", "blue:v2", "green:v3"], Subsets(rule));
        Assert.Equal(["reviews", "reviews-extra"], rule!.From.Select(r => r.Metadata.Name));
        Assert.Empty(index.Shadowed);
    }

    [Fact]
    public void A_subset_defined_twice_keeps_the_oldest_definition()
    {
        var older = Rule("zz-older", "bookinfo", "reviews", "{name: v1, labels: {version: v1}}");
        var newer = Rule("aa-newer", "bookinfo", "reviews", "{name: v2, labels: {version: v2}}, {name: v1, labels: {version: v3}}");

        var index = Index(older, newer);

        Assert.Equal(["v1:v1", "v2:v2"], Subsets(index.For(Reviews, "bookinfo", Bookinfo)));
        var shadowed = Assert.Single(index.Shadowed);
        Assert.Equal("aa-newer", shadowed.Rule.Metadata.Name);
        Assert.Equal(1, shadowed.Index);
        Assert.Equal("zz-older", shadowed.KeptBy.Metadata.Name);
        // Creation order, not the name, decides: the other way round the other definition wins.
        Assert.Equal(["v2:v2", "v1:v3"], Subsets(Index(newer, older).For(Reviews, "bookinfo", Bookinfo)));
    }

    [Fact]
    public void The_top_level_traffic_policy_is_the_oldest_one_that_is_set()
    {
        var none = Rule("a", "bookinfo", "reviews", "{name: v1, labels: {version: v1}}");
        var random = Rule("b", "bookinfo", "reviews", "", "  trafficPolicy: {loadBalancer: {simple: RANDOM}}\n");
        var leastRequest = Rule("c", "bookinfo", "reviews", "", "  trafficPolicy: {loadBalancer: {simple: LEAST_REQUEST}}\n");

        Assert.Equal("RANDOM", Lb(Index(none, random, leastRequest).For(Reviews, "bookinfo", Bookinfo)));
        Assert.Equal("LEAST_REQUEST", Lb(Index(leastRequest, none, random).For(Reviews, "bookinfo", Bookinfo)));
        Assert.Null(Lb(Index(none).For(Reviews, "bookinfo", Bookinfo)));
    }

    [Fact]
    public void A_rule_in_the_clients_namespace_wins_over_the_services_and_the_services_over_the_root_namespaces()
    {
        var root = Rule("mesh-wide", "istio-system", "\"*.local\"", "{name: root, labels: {version: v1}}");
        var service = Rule("reviews", "bookinfo", "reviews", "{name: service, labels: {version: v1}}");
        var client = Rule("reviews-from-frontend", "frontend", "reviews.bookinfo.svc.cluster.local", "{name: client, labels: {version: v1}}");
        var index = Index(root, service, client);

        Assert.Equal(["client:v1"], Subsets(index.For(Reviews, "bookinfo", new("frontend"))));
        Assert.Equal(["service:v1"], Subsets(index.For(Reviews, "bookinfo", new("other"))));
        Assert.Equal(["root:v1"], Subsets(Index(root).For(Reviews, "bookinfo", new("other"))));
        Assert.Null(Index(service).For("ratings.bookinfo.svc.cluster.local", "bookinfo", new("other")));
    }

    [Fact]
    public void Rules_are_merged_only_within_one_namespace()
    {
        var index = Index(
            Rule("reviews", "bookinfo", "reviews", "{name: v1, labels: {version: v1}}"),
            Rule("reviews", "frontend", "reviews.bookinfo.svc.cluster.local", "{name: v2, labels: {version: v2}}"));

        Assert.Equal(["v1:v1"], Subsets(index.For(Reviews, "bookinfo", Bookinfo)));
        Assert.Equal(["v2:v2"], Subsets(index.For(Reviews, "bookinfo", new("frontend"))));
    }

    [Fact]
    public void ExportTo_hides_a_rule_from_other_namespaces()
    {
        var index = Index(Rule("reviews", "bookinfo", "reviews", "{name: v1, labels: {version: v1}}", "  exportTo: [\".\"]\n"));

        Assert.Equal(["v1:v1"], Subsets(index.For(Reviews, "bookinfo", Bookinfo)));
        Assert.Null(index.For(Reviews, "bookinfo", new("frontend")));
        Assert.Empty(index.Candidates(Reviews, "bookinfo", index.RootNamespace));
    }

    [Fact]
    public void The_root_namespace_is_the_mesh_configs_rootNamespace()
    {
        var index = Index(
            Load.MeshConfig("rootNamespace: istio-config"),
            Rule("mesh-wide", "istio-config", "\"*.local\"", "{name: root, labels: {version: v1}}"),
            Rule("not-root", "istio-system", "\"*.svc.cluster.local\"", "{name: system, labels: {version: v1}}"));

        Assert.Equal("istio-config", index.RootNamespace);
        // Nothing in the client's or the service's namespace: the root namespace's exported rule applies, and
        // istio-system is an ordinary namespace whose rules do not reach bookinfo's services.
        Assert.Equal(["root:v1"], Subsets(index.For(Reviews, "bookinfo", new("frontend"))));
    }

    [Fact]
    public void Proxies_in_the_root_namespace_prefer_the_services_rule_to_the_root_namespaces_public_catch_all()
    {
        // As istiod: a public rule in the root namespace is meant for the whole mesh, so proxies there (gateways) look
        // in the service's namespace first; only the root namespace's private rules apply to them before that.
        var index = Index(
            Load.MeshConfig("rootNamespace: istio-config"),
            Rule("mesh-wide", "istio-config", "reviews.bookinfo.svc.cluster.local", "{name: root, labels: {version: v1}}"),
            Rule("reviews", "bookinfo", "reviews", "{name: service, labels: {version: v2}}"));

        Assert.Equal(["service:v2"], Subsets(index.For(Reviews, "bookinfo", new("istio-config"))));
    }

    [Fact]
    public void Without_exportTo_a_rule_takes_the_mesh_configs_defaultDestinationRuleExportTo()
    {
        var reviews = Rule("reviews", "bookinfo", "reviews", "{name: v1, labels: {version: v1}}");

        var privateByDefault = Index(Load.MeshConfig("defaultDestinationRuleExportTo: [\".\"]"), reviews);
        Assert.Equal(["v1:v1"], Subsets(privateByDefault.For(Reviews, "bookinfo", Bookinfo)));
        Assert.Null(privateByDefault.For(Reviews, "bookinfo", new("frontend")));

        // An explicit exportTo still wins over the default.
        var exported = Index(Load.MeshConfig("defaultDestinationRuleExportTo: [\".\"]"), reviews.Replace("spec:\n", "spec:\n  exportTo: [\"*\"]\n"));
        Assert.Equal(["v1:v1"], Subsets(exported.For(Reviews, "bookinfo", new("frontend"))));

        // As istiod, a default other than "." leaves rules without exportTo visible everywhere.
        var namedDefault = Index(Load.MeshConfig("defaultDestinationRuleExportTo: [frontend]"), reviews);
        Assert.Equal(["v1:v1"], Subsets(namedDefault.For(Reviews, "bookinfo", new("other"))));
    }

    [Fact]
    public void ExportTo_a_namespace_shows_a_rule_there_only()
    {
        var index = Index(Rule("reviews", "bookinfo", "reviews", "{name: v1, labels: {version: v1}}", "  exportTo: [frontend]\n"));

        Assert.Equal(["v1:v1"], Subsets(index.For(Reviews, "bookinfo", new("frontend"))));
        Assert.Null(index.For(Reviews, "bookinfo", new("other")));
        // Not exported to its own namespace, so not there either (Istio's namespace-local index skips it).
        Assert.Null(index.For(Reviews, "bookinfo", Bookinfo));
    }

    [Fact]
    public void Rules_with_different_exportTo_stay_apart_and_the_newest_wins_where_both_are_visible()
    {
        var index = Index(
            Rule("public", "bookinfo", "reviews", "{name: v1, labels: {version: v1}}"),
            Rule("private", "bookinfo", "reviews", "{name: v2, labels: {version: v2}}", "  exportTo: [\".\"]\n"));

        Assert.Equal(["v2:v2"], Subsets(index.For(Reviews, "bookinfo", Bookinfo)));
        Assert.Equal(["v1:v1"], Subsets(index.For(Reviews, "bookinfo", new("frontend"))));
    }

    [Fact]
    public void A_workload_selector_rule_applies_to_the_workloads_it_selects_in_its_namespace_only()
    {
        var index = Index(
            Rule("reviews", "bookinfo", "reviews", "{name: v1, labels: {version: v1}}"),
            Rule("for-productpage", "bookinfo", "reviews", "{name: pp, labels: {version: v2}}", "  workloadSelector: {matchLabels: {app: productpage}}\n"));

        Assert.Equal(["pp:v2"], Subsets(index.For(Reviews, "bookinfo", Bookinfo)));
        Assert.Equal(["v1:v1"], Subsets(index.For(Reviews, "bookinfo", new("bookinfo", new Dictionary<string, string> { ["app"] = "ratings" }))));
        Assert.Equal(["v1:v1"], Subsets(index.For(Reviews, "bookinfo", new("frontend", new Dictionary<string, string> { ["app"] = "productpage" }))));
        Assert.NotEqual(index.ScopeOf(Bookinfo), index.ScopeOf(new("bookinfo", new Dictionary<string, string> { ["app"] = "ratings" })));
    }

    [Fact]
    public void Workload_selector_rules_with_the_same_selector_merge()
    {
        const string selector = "  workloadSelector: {matchLabels: {app: productpage}}\n";
        var index = Index(
            Rule("a", "bookinfo", "reviews", "{name: v1, labels: {version: v1}}", selector),
            Rule("b", "bookinfo", "reviews", "{name: v2, labels: {version: v2}}", selector));

        Assert.Equal(["v1:v1", "v2:v2"], Subsets(index.For(Reviews, "bookinfo", Bookinfo)));
    }

    [Fact]
    public void An_exact_host_wins_over_a_wildcard_and_a_longer_wildcard_over_a_shorter_one()
    {
        var index = Index(
            Rule("all", "bookinfo", "\"*.svc.cluster.local\"", "{name: all, labels: {version: v1}}"),
            Rule("bookinfo", "bookinfo", "\"*.bookinfo.svc.cluster.local\"", "{name: ns, labels: {version: v1}}"),
            Rule("reviews", "bookinfo", "reviews", "{name: exact, labels: {version: v1}}"));

        Assert.Equal(["exact:v1"], Subsets(index.For(Reviews, "bookinfo", Bookinfo)));
        Assert.Equal(["ns:v1"], Subsets(index.For("ratings.bookinfo.svc.cluster.local", "bookinfo", Bookinfo)));
        Assert.Equal(["all:v1"], Subsets(index.For("details.other.svc.cluster.local", "other", Bookinfo)));
    }

    [Fact]
    public void The_merged_rule_keeps_the_oldest_rules_subset_policies()
    {
        var index = Index(
            Rule("a", "bookinfo", "reviews", "{name: v1, labels: {version: v1}, trafficPolicy: {loadBalancer: {simple: RANDOM}}}"),
            Rule("b", "bookinfo", "reviews", "{name: v1, labels: {version: v1}, trafficPolicy: {loadBalancer: {simple: LEAST_REQUEST}}}"));

        var v1 = Assert.Single(index.For(Reviews, "bookinfo", Bookinfo)!.Spec.Subsets!);
        Assert.Equal("RANDOM", v1.TrafficPolicy?.LoadBalancer?.Simple);
    }
}
