using Trellis.Config.Model;
using Trellis.Config.Model.Networking;
using Trellis.Config.Semantics;

namespace Trellis.Config.Tests.Semantics;

/// <summary>Delegation merged as istiod merges it: the delegate's rules replace the root rule, narrowed to its matches
/// and inheriting what they leave unset; a delegate rule matching outside the root's is dropped.</summary>
public class VirtualServiceDelegationTests
{
    private const string Root = """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: root, namespace: bookinfo}
        spec:
          hosts: [reviews]
          http:
          - name: reviews-api
            match:
            - uri: {prefix: /reviews}
            timeout: 3s
            delegate: {name: reviews-team, namespace: team}
          - route:
            - destination: {host: reviews, subset: v1}
        ---

        """;

    private static string Delegate(string http, string ns = "team", string exportTo = "") => $"""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {"{"}name: reviews-team, namespace: {ns}{"}"}
        spec:
        {exportTo}
          http:
        {http}
        ---

        """;

    private static (IReadOnlyList<Resource> Merged, List<DelegationProblem> Problems) Merge(string yaml)
    {
        var result = Load.Text(yaml);
        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        var problems = new List<DelegationProblem>();
        return (VirtualServiceDelegation.Merge(result.Resources, ExportToDefaults.Public, problems.Add), problems);
    }

    private static IReadOnlyList<HttpRoute> RootRules(IReadOnlyList<Resource> merged) =>
        merged.Single(r => r.Metadata.Name == "root").SpecAs<VirtualServiceSpec>()!.Http!;

    [Fact]
    public void The_delegates_rules_replace_the_root_rule_within_its_matches_and_the_delegate_routes_nothing_itself()
    {
        var (merged, problems) = Merge(Root + Delegate("""
              - name: v2-for-jason
                match:
                - uri: {prefix: /reviews/1}
                  headers: {end-user: {exact: jason}}
                route:
                - destination: {host: reviews.bookinfo.svc.cluster.local, subset: v2}
              - route:
                - destination: {host: ratings}
                timeout: 1s
            """));

        Assert.Empty(problems);
        Assert.DoesNotContain(merged, r => r.Metadata.Name == "reviews-team");
        var rules = RootRules(merged);
        Assert.Equal(3, rules.Count);

        Assert.Equal("reviews-api-v2-for-jason", rules[0].Name);
        var match = Assert.Single(rules[0].Match!);
        Assert.Equal("/reviews/1", match.Uri!.Prefix);
        Assert.Equal("jason", match.Headers!["end-user"].Exact);
        Assert.Equal(TimeSpan.FromSeconds(3), rules[0].Timeout);
        Assert.Null(rules[0].Delegate);

        Assert.Equal("reviews-api", rules[1].Name);
        Assert.Equal("/reviews", Assert.Single(rules[1].Match!).Uri!.Prefix);
        Assert.Equal(TimeSpan.FromSeconds(1), rules[1].Timeout);
        Assert.Equal("ratings.team.svc.cluster.local", rules[1].Route![0].Destination!.Host);

        Assert.Equal("v1", rules[2].Route![0].Destination!.Subset);
    }

    [Theory]
    [InlineData("uri: {prefix: /ratings}")]
    [InlineData("uri: {exact: /other}")]
    [InlineData("uri: {regex: /reviews/.*}")]
    public void A_delegate_rule_matching_outside_the_root_rule_is_dropped_and_reported(string uri)
    {
        var (merged, problems) = Merge(Root + Delegate($$"""
              - match:
                - {{uri}}
                route:
                - destination: {host: reviews, subset: v3}
              - route:
                - destination: {host: reviews, subset: v2}
            """));

        var rules = RootRules(merged);
        Assert.Equal(2, rules.Count);
        Assert.Equal("v2", rules[0].Route![0].Destination!.Subset);
        var problem = Assert.Single(problems);
        Assert.Equal("spec.http[0].delegate", problem.Path);
        Assert.Contains("rule http[0] of the delegate VirtualService team/reviews-team", problem.Message);
    }

    [Fact]
    public void An_exact_match_within_the_root_prefix_is_kept()
    {
        var (merged, problems) = Merge(Root + Delegate("""
              - match:
                - uri: {exact: /reviews/2}
                  method: {exact: GET}
                route:
                - destination: {host: reviews, subset: v3}
            """));

        Assert.Empty(problems);
        var match = Assert.Single(RootRules(merged)[0].Match!);
        Assert.Equal("/reviews/2", match.Uri!.Exact);
        Assert.Equal("GET", match.Method!.Exact);
    }

    [Fact]
    public void A_missing_delegate_drops_the_root_rule_and_says_so()
    {
        var (merged, problems) = Merge(Root);

        var rule = Assert.Single(RootRules(merged));
        Assert.Equal("v1", rule.Route![0].Destination!.Subset);
        var problem = Assert.Single(problems);
        Assert.True(problem.DelegateMissing);
        Assert.Contains("team/reviews-team does not exist", problem.Message);
    }

    [Fact]
    public void A_delegate_not_exported_to_the_roots_namespace_drops_the_root_rule()
    {
        var (merged, problems) = Merge(Root + Delegate("""
              - route:
                - destination: {host: reviews, subset: v2}
            """, exportTo: "  exportTo: [\".\"]"));

        Assert.Single(RootRules(merged));
        Assert.Contains("is not exported to namespace bookinfo", Assert.Single(problems).Message);
    }

    [Fact]
    public void A_delegate_without_a_namespace_is_looked_up_in_the_roots_namespace()
    {
        var (merged, problems) = Merge(Root.Replace(", namespace: team}", "}") + Delegate("""
              - route:
                - destination: {host: reviews, subset: v2}
            """, ns: "bookinfo"));

        Assert.Empty(problems);
        Assert.Equal("reviews.bookinfo.svc.cluster.local", RootRules(merged)[0].Route![0].Destination!.Host);
    }

    [Fact]
    public void Without_delegation_the_resources_are_returned_as_they_are()
    {
        var result = Load.Text(Delegate("""
              - route:
                - destination: {host: reviews}
            """).Replace("spec:\n", "spec:\n  hosts: [reviews]\n"));

        Assert.Same(result.Resources, VirtualServiceDelegation.Merge(result.Resources, ExportToDefaults.Public));
    }
}
