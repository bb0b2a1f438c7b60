using Trellis.Config.Loading;
using Trellis.Config.Model.Security;

namespace Trellis.Config.Tests.Validation;

/// <summary>AuthorizationPolicy is checked field by field as istiod validates it, each finding at its position.</summary>
public class AuthorizationPolicyValidationTests
{
    private static string Policy(string spec) => $"""
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata:
          name: p
          namespace: bookinfo
        spec:
        {spec}
        """;

    private static Diagnostic Error(string spec) => Load.SingleError(Policy(spec));

    private static IReadOnlyList<Diagnostic> Warnings(string spec) =>
        Load.Text(Policy(spec)).Diagnostics.Where(d => d.Severity == Severity.Warning).ToList();

    [Fact]
    public void A_valid_policy_binds_every_field_and_is_enforced()
    {
        var result = Load.Text(Policy("""
              selector: {matchLabels: {app: reviews}}
              action: DENY
              rules:
              - from:
                - source:
                    principals: ["cluster.local/ns/bookinfo/sa/productpage"]
                    notPrincipals: ["*/sa/evil"]
                    requestPrincipals: ["https://issuer/*"]
                    notRequestPrincipals: ["*"]
                    namespaces: [bookinfo]
                    notNamespaces: ["test-*"]
                    ipBlocks: ["10.0.0.0/8", "192.168.1.1"]
                    notIpBlocks: ["10.1.0.0/16"]
                    remoteIpBlocks: ["2001:db8::/32"]
                    notRemoteIpBlocks: ["::1"]
                to:
                - operation:
                    hosts: ["*.example.com"]
                    notHosts: [admin.example.com]
                    ports: ["9080"]
                    notPorts: ["15000"]
                    methods: [GET]
                    notMethods: [DELETE]
                    paths: ["/api/*"]
                    notPaths: ["*.png"]
                when:
                - {key: "request.headers[x-user]", values: [alice]}
                - {key: "request.auth.claims[realm][role]", notValues: [guest]}
                - {key: source.ip, values: ["10.0.0.1"]}
                - {key: destination.port, values: ["9080"]}
                - {key: connection.sni, values: ["*.svc.cluster.local"]}
            """));
        Assert.DoesNotContain(result.Diagnostics, d => d.Severity is Severity.Error or Severity.Warning);
        Assert.DoesNotContain(result.Diagnostics, d => d.Code == DiagnosticCodes.NotYetEnforced);
        var spec = Assert.IsType<AuthorizationPolicySpec>(Assert.Single(result.Resources).Spec);
        Assert.Equal("DENY", spec.EffectiveAction);
        Assert.Equal(5, spec.Rules![0].When!.Count);
    }

    [Fact]
    public void Spec_empty_is_a_valid_allow_policy_with_no_rules()
    {
        var spec = Assert.IsType<AuthorizationPolicySpec>(Load.Single(Policy("  {}")).Spec);
        Assert.Equal("ALLOW", spec.EffectiveAction);
        Assert.Null(spec.Rules);
    }

    [Fact]
    public void An_unknown_field_is_named_with_a_suggestion_at_its_line()
    {
        var error = Error("  rules:\n  - from:\n    - source:\n        principal: [a]");
        Assert.Equal("spec.rules[0].from[0].source.principal", error.FieldPath);
        Assert.Contains("did you mean \"principals\"", error.Message);
        Assert.Equal(10, error.Line);
    }

    [Fact]
    public void An_unknown_action_is_rejected_with_a_suggestion()
    {
        var error = Error("  action: DENNY\n  rules: [{}]");
        Assert.Equal("spec.action", error.FieldPath);
        Assert.Contains("DENY", error.Message);
    }

    [Theory]
    [InlineData("10.0.0.0/33", "bad CIDR range")]
    [InlineData("10.0.0/8", "bad CIDR range")]
    [InlineData("10.0.0.256", "bad IP address")]
    [InlineData("10", "bad IP address")]
    [InlineData("fe80::1%eth0", "bad IP address")]
    public void Bad_addresses_and_cidrs_are_errors_at_the_value(string block, string problem)
    {
        var error = Error($"  rules:\n  - from:\n    - source:\n        ipBlocks: [\"10.0.0.1\", \"{block}\"]");
        Assert.Equal("spec.rules[0].from[0].source.ipBlocks[1]", error.FieldPath);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void An_unknown_condition_key_is_an_error_with_a_suggestion()
    {
        var error = Error("  rules:\n  - when:\n    - key: request.header[x]\n      values: [a]");
        Assert.Equal("spec.rules[0].when[0].key", error.FieldPath);
        Assert.Contains("did you mean \"request.headers[NAME]\"", error.Message);
        Assert.Contains("unknown condition key", Error("  rules:\n  - when:\n    - key: source.ips\n      values: [a]").Message);
        Assert.Contains("expected request.auth.claims[NAME]", Error("  rules:\n  - when:\n    - key: request.auth.claims\n      values: [a]").Message);
        Assert.Contains("workload selector", Error("  rules:\n  - when:\n    - key: destination.labels[app]\n      values: [a]").Message);
    }

    [Fact]
    public void A_condition_needs_values_or_not_values_of_the_right_kind()
    {
        Assert.Equal("spec.rules[0].when[0].values", Error("  rules:\n  - when:\n    - key: source.ip").FieldPath);
        Assert.Equal("spec.rules[0].when[0].values[0]", Error("  rules:\n  - when:\n    - key: destination.port\n      values: [http]").FieldPath);
        Assert.Equal("spec.rules[0].when[0].notValues[0]", Error("  rules:\n  - when:\n    - key: remote.ip\n      notValues: [nope]").FieldPath);
    }

    [Theory]
    [InlineData("paths", "/a*b")]
    [InlineData("paths", "*admin*")]
    [InlineData("hosts", "a.*.com")]
    [InlineData("methods", "G*T")]
    public void A_wildcard_only_works_alone_as_prefix_or_as_suffix(string field, string value)
    {
        var error = Error($"  rules:\n  - to:\n    - operation:\n        {field}: [\"{value}\"]");
        Assert.Equal($"spec.rules[0].to[0].operation.{field}[0]", error.FieldPath);
        Assert.Contains("only supported alone, as a prefix", error.Message);
    }

    [Fact]
    public void Ports_must_be_numbers()
    {
        Assert.Equal("spec.rules[0].to[0].operation.notPorts[0]", Error("  rules:\n  - to:\n    - operation:\n        notPorts: [\"70000\"]").FieldPath);
    }

    [Fact]
    public void Audiences_must_be_a_list()
    {
        var error = Error("  rules:\n  - when:\n    - key: request.auth.audiences\n      values: bookinfo");
        Assert.Equal("spec.rules[0].when[0].values", error.FieldPath);
        Assert.Contains("expected a list", error.Message);
    }

    [Fact]
    public void Principals_without_a_trust_domain_are_warned_about()
    {
        var warning = Assert.Single(Warnings("  rules:\n  - from:\n    - source:\n        principals: [\"ns/bookinfo/sa/productpage\"]"));
        Assert.Equal("spec.rules[0].from[0].source.principals[0]", warning.FieldPath);
        Assert.Contains("no trust domain", warning.Message);
        Assert.Contains("without spiffe://", Assert.Single(Warnings("  rules:\n  - from:\n    - source:\n        principals: [\"spiffe://cluster.local/ns/a/sa/b\"]")).Message);
    }

    [Fact]
    public void Empty_from_to_and_source_are_errors_as_in_istio()
    {
        Assert.Equal("spec.rules[0].from", Error("  rules:\n  - from: []").FieldPath);
        Assert.Equal("spec.rules[0].to[0].operation", Error("  rules:\n  - to:\n    - operation: {}").FieldPath);
        Assert.Equal("spec.rules[0].from[0].source", Error("  rules:\n  - from:\n    - source: {}").FieldPath);
    }

    [Fact]
    public void Deny_and_custom_need_rules_and_custom_needs_a_provider()
    {
        Assert.Equal("spec.rules", Error("  action: DENY").FieldPath);
        Assert.Equal("spec.rules", Error("  action: CUSTOM\n  provider: {name: x}").FieldPath);
        Assert.Equal("spec.provider.name", Error("  action: CUSTOM\n  rules: [{}]").FieldPath);
        Assert.Equal("spec.provider", Error("  provider: {name: x}\n  rules: [{}]").FieldPath);
    }

    [Fact]
    public void Custom_does_not_take_identities()
    {
        Assert.Equal("spec.rules[0].from[0].source.principals",
            Error("  action: CUSTOM\n  provider: {name: x}\n  rules:\n  - from:\n    - source:\n        principals: [a/ns/b/sa/c]").FieldPath);
    }

    [Fact]
    public void Selector_and_target_refs_are_exclusive()
    {
        Assert.Contains("only one of", Error("  selector: {matchLabels: {app: a}}\n  targetRefs: [{kind: Gateway, name: gw}]").Message);
    }

    [Fact]
    public void A_policy_attached_by_target_refs_is_warned_to_apply_to_no_sidecar()
    {
        var warning = Assert.Single(Warnings("  targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: gw}]\n  rules: [{}]"));
        Assert.Equal("spec.targetRefs", warning.FieldPath);
        Assert.Contains("use selector", warning.Message);
    }

    [Fact]
    public void A_deny_rule_with_only_http_fields_warns_that_it_denies_all_tcp_traffic()
    {
        var warning = Assert.Single(Warnings("  action: DENY\n  rules:\n  - to:\n    - operation:\n        paths: [/admin]"));
        Assert.Equal("spec.rules[0]", warning.FieldPath);
        Assert.Contains("TCP", warning.Message);
    }

    [Fact]
    public void A_custom_policy_must_name_a_provider_of_the_mesh_config()
    {
        var mesh = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: istio, namespace: istio-system}
            data:
              mesh: |
                extensionProviders:
                - name: my-authz
                  envoyExtAuthzHttp: {service: authz.foo.svc.cluster.local, port: 8000}
            ---
            """;
        var diagnostics = Load.Analyze(mesh + "\n" + Policy("  action: CUSTOM\n  provider: {name: my-authx}\n  rules: [{}]"));
        var error = Assert.Single(diagnostics, d => d.Severity == Severity.Error);
        Assert.Equal("spec.provider.name", error.FieldPath);
        Assert.Contains("did you mean \"my-authz\"", error.Message);
        Assert.DoesNotContain(Load.Analyze(mesh + "\n" + Policy("  action: CUSTOM\n  provider: {name: my-authz}\n  rules: [{}]")), d => d.Severity == Severity.Error);
    }
}

/// <summary>MeshConfig's extensionProviders and pathNormalization, checked and read as istiod does.</summary>
public class AuthorizationMeshConfigTests
{
    private static string Mesh(string mesh) => $"""
        apiVersion: v1
        kind: ConfigMap
        metadata: {"{"}name: istio, namespace: istio-system{"}"}
        data:
          mesh: |
        {string.Join("\n", mesh.Split('\n').Select(l => "    " + l))}
        """;

    [Fact]
    public void Providers_and_normalization_are_read_into_the_settings()
    {
        var settings = MeshConfigReader.Settings([Load.Single(Mesh("""
            pathNormalization: {normalization: MERGE_SLASHES}
            extensionProviders:
            - name: my-authz
              envoyExtAuthzHttp: {service: authz.foo.svc.cluster.local, port: 8000, timeout: 1s, failOpen: false, includeRequestHeadersInCheck: [x-a]}
            - name: tracing
              zipkin: {service: zipkin.istio-system.svc.cluster.local, port: 9411}
            """))]);
        Assert.Equal("MERGE_SLASHES", settings.PathNormalization);
        Assert.Equal(["my-authz", "tracing"], settings.ExtensionProviders.Select(p => p.Name));
        Assert.Equal(TimeSpan.FromSeconds(1), settings.ExtensionProviders[0].EnvoyExtAuthzHttp!.Timeout);
    }

    [Fact]
    public void Normalization_defaults_to_base()
    {
        Assert.Equal("BASE", MeshConfigReader.Settings([]).PathNormalization);
        Assert.Equal("BASE", MeshConfigReader.Settings([Load.Single(Mesh("pathNormalization: {normalization: DEFAULT}"))]).PathNormalization);
    }

    [Theory]
    [InlineData("pathNormalization: {normalization: MERGE_SLASH}", "data.mesh.pathNormalization.normalization", "MERGE_SLASHES")]
    [InlineData("extensionProviders:\n- name: a\n  envoyExtAuthzHttp: {service: s.ns.svc.cluster.local}", "data.mesh.extensionProviders[0].envoyExtAuthzHttp.port", "missing")]
    [InlineData("extensionProviders:\n- name: a\n  envoyExtAuthzHttp: {service: s, port: 80, pathPrefix: check}", "data.mesh.extensionProviders[0].envoyExtAuthzHttp.pathPrefix", "must begin with /")]
    [InlineData("extensionProviders:\n- name: a\n  envoyExtAuthzHttp: {service: s, port: 80, statusOnError: \"999\"}", "data.mesh.extensionProviders[0].envoyExtAuthzHttp.statusOnError", "unsupported status")]
    [InlineData("extensionProviders:\n- name: a\n  envoyExtAuthzHttp: {service: s, port: 80, headersToUpstreamOnAllow: [\"*\"]}", "data.mesh.extensionProviders[0].envoyExtAuthzHttp.headersToUpstreamOnAllow[0]", "lone wildcard")]
    [InlineData("extensionProviders:\n- name: a\n  envoyExtAuthzHttp: {service: s, port: 80}\n- name: a\n  envoyExtAuthzHttp: {service: s, port: 80}", "data.mesh.extensionProviders[1].name", "duplicate")]
    [InlineData("extensionProviders:\n- name: a", "data.mesh.extensionProviders[0]", "no provider kind")]
    [InlineData("extensionProviders:\n- name: a\n  envoyExtAuthzHttp: {service: s, port: 80, failOpn: true}", "data.mesh.extensionProviders[0].envoyExtAuthzHttp.failOpn", "failOpen")]
    public void Provider_mistakes_are_named_at_their_field(string mesh, string fieldPath, string problem)
    {
        var error = Load.SingleError(Mesh(mesh));
        Assert.Equal(fieldPath, error.FieldPath);
        Assert.Contains(problem, error.Message);
    }
}
