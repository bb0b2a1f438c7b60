using Trellis.Config.Semantics;

namespace Trellis.Config.Tests.Semantics;

/// <summary>The effective mutual TLS mode follows Istio's precedence: workload over namespace over mesh, UNSET
/// inherits, the oldest policy wins at each scope, no policy is PERMISSIVE, portLevelMtls overrides its port.</summary>
public class PeerAuthenticationIndexTests
{
    private static readonly Dictionary<string, string> Reviews = new() { ["app"] = "reviews", ["version"] = "v1" };

    private static string Pa(string name, string ns, string spec) => $"""
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {"{"}name: {name}, namespace: {ns}{"}"}
        spec:
        {spec}
        ---

        """;

    private static PeerAuthenticationIndex Index(string yaml, string root = "istio-system")
    {
        var result = Load.Text(yaml);
        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        return new PeerAuthenticationIndex(result.Resources, root);
    }

    private static PeerAuthenticationIndex Empty { get; } = new([], "istio-system");

    [Fact]
    public void Without_any_policy_a_workload_is_permissive()
    {
        var decided = Empty.For("bookinfo", Reviews).ForPort(9080);

        Assert.Equal(MutualTlsMode.Permissive, decided.Mode);
        Assert.Null(decided.DecidedBy);
        Assert.Equal("default", decided.Scope);
    }

    [Fact]
    public void A_mesh_wide_policy_in_the_root_namespace_applies_everywhere()
    {
        var decided = Index(Pa("default", "istio-system", "  mtls: {mode: STRICT}")).For("bookinfo", Reviews).Workload;

        Assert.Equal(MutualTlsMode.Strict, decided.Mode);
        Assert.Equal("default", decided.DecidedBy!.Metadata.Name);
        Assert.Equal("mesh", decided.Scope);
    }

    [Fact]
    public void The_root_namespace_follows_mesh_config()
    {
        var index = Index(Pa("default", "mesh-root", "  mtls: {mode: STRICT}") + Pa("x", "istio-system", "  mtls: {mode: DISABLE}"), root: "mesh-root");

        Assert.Equal(MutualTlsMode.Strict, index.For("bookinfo", Reviews).Workload.Mode);
        Assert.Equal(MutualTlsMode.Disable, index.For("istio-system", Reviews).Workload.Mode);
    }

    [Fact]
    public void A_namespace_policy_overrides_the_mesh_and_a_workload_policy_overrides_both()
    {
        var yaml = Pa("mesh", "istio-system", "  mtls: {mode: STRICT}")
                   + Pa("ns", "bookinfo", "  mtls: {mode: PERMISSIVE}")
                   + Pa("reviews", "bookinfo", "  selector: {matchLabels: {app: reviews}}\n  mtls: {mode: DISABLE}");
        var index = Index(yaml);

        Assert.Equal(MutualTlsMode.Disable, index.For("bookinfo", Reviews).Workload.Mode);
        Assert.Equal(MutualTlsMode.Permissive, index.For("bookinfo", new Dictionary<string, string> { ["app"] = "ratings" }).Workload.Mode);
        Assert.Equal(MutualTlsMode.Strict, index.For("other", Reviews).Workload.Mode);
    }

    [Fact]
    public void Unset_inherits_from_the_parent_scope()
    {
        var yaml = Pa("mesh", "istio-system", "  mtls: {mode: STRICT}")
                   + Pa("ns", "bookinfo", "  mtls: {mode: UNSET}")
                   + Pa("reviews", "bookinfo", "  selector: {matchLabels: {app: reviews}}");
        var decided = Index(yaml).For("bookinfo", Reviews).Workload;

        Assert.Equal(MutualTlsMode.Strict, decided.Mode);
        Assert.Equal("mesh", decided.DecidedBy!.Metadata.Name);
    }

    [Fact]
    public void With_two_policies_at_one_scope_the_oldest_wins()
    {
        var index = Index(Pa("older", "bookinfo", "  mtls: {mode: DISABLE}") + Pa("newer", "bookinfo", "  mtls: {mode: STRICT}"));

        var decided = index.For("bookinfo", Reviews).Workload;
        Assert.Equal(MutualTlsMode.Disable, decided.Mode);
        Assert.Equal("older", decided.DecidedBy!.Metadata.Name);
    }

    [Fact]
    public void Port_level_modes_override_the_workload_mode_on_their_port_only()
    {
        var yaml = Pa("reviews", "bookinfo", """
              selector: {matchLabels: {app: reviews}}
              mtls: {mode: STRICT}
              portLevelMtls:
                9090: {mode: DISABLE}
                9091: {mode: UNSET}
            """);
        var effective = Index(yaml).For("bookinfo", Reviews);

        Assert.Equal(MutualTlsMode.Strict, effective.ForPort(9080).Mode);
        Assert.Equal(MutualTlsMode.Disable, effective.ForPort(9090).Mode);
        Assert.Equal("port", effective.ForPort(9090).Scope);
        Assert.Equal(MutualTlsMode.Strict, effective.ForPort(9091).Mode);
    }

    [Fact]
    public void An_unset_port_inherits_the_namespace_mode_when_the_workload_sets_none()
    {
        var yaml = Pa("ns", "bookinfo", "  mtls: {mode: STRICT}")
                   + Pa("reviews", "bookinfo", "  selector: {matchLabels: {app: reviews}}\n  portLevelMtls:\n    9080: {mode: UNSET}\n    9090: {mode: PERMISSIVE}");
        var effective = Index(yaml).For("bookinfo", Reviews);

        Assert.Equal(MutualTlsMode.Strict, effective.ForPort(9080).Mode);
        Assert.Equal(MutualTlsMode.Permissive, effective.ForPort(9090).Mode);
    }

    [Fact]
    public void A_selector_in_the_root_namespace_applies_to_no_workload()
    {
        var index = Index(Pa("root-selector", "istio-system", "  selector: {matchLabels: {app: reviews}}\n  mtls: {mode: STRICT}"));

        Assert.Equal(MutualTlsMode.Permissive, index.For("bookinfo", Reviews).Workload.Mode);
        Assert.Equal(MutualTlsMode.Permissive, index.For("istio-system", Reviews).Workload.Mode);
        Assert.Equal("root-selector", Assert.Single(index.IgnoredInRootNamespace).Metadata.Name);
    }

    [Fact]
    public void A_selector_only_selects_workloads_of_its_own_namespace() =>
        Assert.Equal(MutualTlsMode.Permissive, Index(Pa("reviews", "other", "  selector: {matchLabels: {app: reviews}}\n  mtls: {mode: STRICT}"))
            .For("bookinfo", Reviews).Workload.Mode);
}
