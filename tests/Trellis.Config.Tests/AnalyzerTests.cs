namespace Trellis.Config.Tests;

/// <summary>Each cross-object check, with a case that triggers it and one that does not.</summary>
public class AnalyzerTests
{
    private const string Platform = """
        apiVersion: v1
        kind: Service
        metadata: {name: reviews, namespace: bookinfo}
        spec:
          selector: {app: reviews}
          ports: [{name: http, port: 9080}]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: reviews-v1, namespace: bookinfo}
        spec:
          selector: {matchLabels: {app: reviews, version: v1}}
          template:
            metadata: {labels: {app: reviews, version: v1}}
            spec: {containers: [{name: reviews, command: [reviews]}]}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: reviews-v3, namespace: bookinfo}
        spec:
          selector: {matchLabels: {app: reviews, version: v3}}
          template:
            metadata: {labels: {app: reviews, version: v3}}
            spec: {containers: [{name: reviews, command: [reviews]}]}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews, namespace: bookinfo}
        spec:
          host: reviews
          subsets:
          - {name: v1, labels: {version: v1}}
          - {name: v3, labels: {version: v3}}
        ---
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: bookinfo-gateway, namespace: bookinfo}
        spec:
          selector: {istio: ingressgateway}
          servers: [{port: {number: 8080, name: http, protocol: HTTP}, hosts: ["*"]}]
        ---

        """;

    private static string Vs(string name, string host, string subset, string? gateways = null) =>
        "apiVersion: networking.istio.io/v1\nkind: VirtualService\n"
        + $"metadata: {{name: {name}, namespace: bookinfo}}\nspec:\n  hosts: [{host}]\n"
        + (gateways is null ? "" : $"  gateways: [{gateways}]\n")
        + $"  http:\n  - route:\n    - destination: {{host: {host}, subset: {subset}}}\n";

    private static IReadOnlyList<Diagnostic> Analyze(string extra) =>
        Load.Analyze(Platform + extra).Where(d => d.Severity != Severity.Info).ToList();

    [Fact]
    public void Clean_configuration_has_no_findings() => Assert.Empty(Analyze(Vs("reviews", "reviews", "v1")));

    [Theory]
    [InlineData("reviews.bookinfo.svc.cluster.local")]
    [InlineData("reviews.bookinfo")]
    public void Fully_qualified_and_namespaced_hosts_resolve(string host) =>
        Assert.Empty(Analyze(Vs("reviews", "reviews", "v1").Replace("destination: {host: reviews", $"destination: {{host: {host}")));

    [Fact]
    public void Unknown_destination_host_is_reported()
    {
        var finding = Assert.Single(Analyze(Vs("reviews", "reviews", "v1").Replace("destination: {host: reviews", "destination: {host: reveiws")),
            d => d.FieldPath!.EndsWith(".host"));

        Assert.Equal("IST0101", finding.Code);
        Assert.Equal(Severity.Error, finding.Severity);
        Assert.Equal("spec.http[0].route[0].destination.host", finding.FieldPath);
        Assert.Equal("Referenced host not found: \"reveiws\"; did you mean \"reviews\"?", finding.Message);
    }

    [Fact]
    public void Short_name_resolves_only_in_the_virtual_services_namespace() =>
        Assert.Contains(Analyze(Vs("reviews", "reviews", "v1").Replace("namespace: bookinfo}", "namespace: other}")),
            d => d.Code == "IST0101" && d.FieldPath!.EndsWith(".host"));

    [Fact]
    public void Unknown_subset_is_reported_with_a_suggestion()
    {
        var finding = Assert.Single(Analyze(Vs("reviews", "reviews", "v4")));

        Assert.Equal("IST0101", finding.Code);
        Assert.Equal("spec.http[0].route[0].destination.subset", finding.FieldPath);
        Assert.Equal("Referenced host+subset in destinationrule not found: \"reviews+v4\"; did you mean \"v1\"?", finding.Message);
        Assert.StartsWith("Error [IST0101] (VirtualService bookinfo/reviews test.yaml:", finding.ToString());
    }

    [Fact]
    public void Subset_selecting_no_pods_is_a_warning()
    {
        var findings = Load.Analyze(Platform.Replace("- {name: v3, labels: {version: v3}}", "- {name: v2, labels: {version: v2}}"));

        var warning = Assert.Single(findings, d => d.Code == "TRL0110");
        Assert.Equal(Severity.Warning, warning.Severity);
        Assert.Equal("spec.subsets[1].labels", warning.FieldPath);
        Assert.Contains("subset \"v2\" selects no pods", warning.Message);
        Assert.DoesNotContain(Load.Analyze(Platform), d => d.Code == "TRL0110");
    }

    [Fact]
    public void Missing_gateway_is_reported_and_existing_ones_resolve()
    {
        Assert.Empty(Analyze(Vs("reviews", "reviews", "v1", "bookinfo-gateway")));
        Assert.Empty(Analyze(Vs("reviews", "reviews", "v1", "bookinfo/bookinfo-gateway, mesh")));

        var finding = Assert.Single(Analyze(Vs("reviews", "reviews", "v1", "bookinfo-gw")));
        Assert.Equal("IST0101", finding.Code);
        Assert.Equal("spec.gateways[0]", finding.FieldPath);
        Assert.StartsWith("Referenced gateway not found: \"bookinfo-gw\"", finding.Message);
    }

    [Fact]
    public void Two_mesh_virtual_services_for_one_host_conflict()
    {
        var findings = Analyze(Vs("reviews", "reviews", "v1") + "\n---\n" + Vs("reviews-b", "reviews.bookinfo.svc.cluster.local", "v3"));

        Assert.Equal(2, findings.Count(d => d.Code == "IST0109" && d.Severity == Severity.Error));
        Assert.Contains("define the same host \"reviews.bookinfo.svc.cluster.local\"", findings[0].Message);
    }

    [Fact]
    public void Mesh_virtual_services_for_one_host_exported_to_different_namespaces_do_not_conflict()
    {
        // Each namespace its own override of reviews, as Istio's analyzer allows.
        var own = Vs("reviews", "reviews.bookinfo.svc.cluster.local", "v1").Replace("spec:\n", "spec:\n  exportTo: [\".\"]\n");
        var frontend = Vs("reviews", "reviews.bookinfo.svc.cluster.local", "v3").Replace("namespace: bookinfo", "namespace: frontend")
            .Replace("spec:\n", "spec:\n  exportTo: [\".\"]\n");
        Assert.DoesNotContain(Analyze(own + "\n---\n" + frontend), d => d.Code == "IST0109");

        // A public one is seen by every namespace, so it conflicts with both.
        var findings = Analyze(own + "\n---\n" + frontend + "\n---\n" + Vs("reviews-b", "reviews.bookinfo.svc.cluster.local", "v3"));
        Assert.Equal(3, findings.Count(d => d.Code == "IST0109" && d.Severity == Severity.Error));
    }

    [Fact]
    public void Mesh_virtual_services_exported_by_the_mesh_default_to_their_namespaces_do_not_conflict()
    {
        var mesh = Load.MeshConfig("defaultVirtualServiceExportTo: [\".\"]");
        var frontend = Vs("reviews", "reviews.bookinfo.svc.cluster.local", "v3").Replace("namespace: bookinfo", "namespace: frontend");

        Assert.DoesNotContain(Analyze(mesh + Vs("reviews", "reviews.bookinfo.svc.cluster.local", "v1") + "\n---\n" + frontend), d => d.Code == "IST0109");
    }

    [Fact]
    public void Same_host_on_mesh_and_on_a_gateway_does_not_conflict() =>
        Assert.Empty(Analyze(Vs("reviews", "reviews", "v1") + "\n---\n" + Vs("reviews-b", "reviews", "v3", "bookinfo-gateway")));

    [Fact]
    public void Two_virtual_services_for_one_host_on_a_gateway_are_merged_with_a_warning()
    {
        var findings = Analyze(Vs("a", "reviews", "v1", "bookinfo-gateway") + "\n---\n" + Vs("b", "reviews", "v3", "bookinfo-gateway"));

        Assert.Equal(2, findings.Count(d => d.Code == "TRL0109" && d.Severity == Severity.Warning));
    }

    [Fact]
    public void Wildcard_host_bound_to_the_mesh_is_rejected()
    {
        var finding = Assert.Single(Analyze(Vs("all", "\"*\"", "v1").Replace("destination: {host: \"*\"", "destination: {host: reviews")));
        Assert.Equal("spec.hosts[0]", finding.FieldPath);
        Assert.Contains("wildcard host * is not allowed", finding.Message);

        Assert.Empty(Analyze(Vs("all", "\"*\"", "v1", "bookinfo-gateway").Replace("destination: {host: \"*\"", "destination: {host: reviews")));
    }

    [Fact]
    public void Service_selecting_no_deployment_is_a_warning()
    {
        var findings = Load.Analyze(Platform.Replace("selector: {app: reviews}", "selector: {app: reveiws}"));

        var warning = Assert.Single(findings, d => d.Code == "TRL0111");
        Assert.Equal("spec.selector", warning.FieldPath);
        Assert.DoesNotContain(Load.Analyze(Platform), d => d.Code == "TRL0111");
    }

    [Fact]
    public void Deployment_without_a_service_is_noted()
    {
        var findings = Load.Analyze(Platform.Replace("selector: {app: reviews}", "selector: {app: reviews, version: v1}"));

        var info = Assert.Single(findings, d => d.Code == "IST0117");
        Assert.Equal(Severity.Info, info.Severity);
        Assert.Equal("Deployment bookinfo/reviews-v3", info.ObjectRef);
        Assert.DoesNotContain(Load.Analyze(Platform), d => d.Code == "IST0117");
    }

    [Fact]
    public void Service_entry_hosts_count_as_known_hosts()
    {
        var entry = "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: ext, namespace: bookinfo}\nspec:\n  hosts: [\"*.example.com\"]\n  ports: [{number: 443, name: https, protocol: TLS}]\n---\n";
        var vs = Vs("ext", "api.example.com", "v1").Replace(", subset: v1", "");

        Assert.Empty(Analyze(entry + vs));
        Assert.Contains(Analyze(vs), d => d.Code == "IST0101");
    }

    [Fact]
    public void Validator_sorts_by_position_and_includes_analysis()
    {
        var load = Load.Text(Platform + Vs("reviews", "reviews", "v4"));
        var all = ConfigValidator.Validate(load);

        Assert.Contains(all, d => d.Code == "IST0101");
        Assert.Equal(all.OrderBy(d => d.Line).Select(d => d.Line), all.Select(d => d.Line));
    }

    private const string ExtraReviewsRule = """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews-extra, namespace: bookinfo}
        spec:
          host: reviews.bookinfo.svc.cluster.local
          subsets:
          - {name: blue, labels: {version: v1}}
          - {name: v1, labels: {version: v3}}
        ---

        """;

    [Fact]
    public void Subsets_of_a_second_destination_rule_for_the_host_resolve()
    {
        var findings = Analyze(ExtraReviewsRule + Vs("reviews", "reviews", "blue"));

        Assert.DoesNotContain(findings, d => d.Code == "IST0101");
    }

    [Fact]
    public void A_subset_redefined_with_other_labels_is_a_warning_at_the_later_rule()
    {
        var warning = Assert.Single(Analyze(ExtraReviewsRule), d => d.Code == "TRL0112");

        Assert.Equal(Severity.Warning, warning.Severity);
        Assert.Equal("DestinationRule bookinfo/reviews-extra", warning.ObjectRef);
        Assert.Equal("spec.subsets[1].name", warning.FieldPath);
        Assert.Equal("subset \"v1\" is already defined by the older DestinationRule bookinfo/reviews with labels version=v1; "
            + "the oldest definition wins, so these labels (version=v3) are ignored", warning.Message);
        Assert.Equal(Platform.Split('\n').Length + 7, warning.Line);
    }

    [Fact]
    public void A_subset_redefined_with_the_same_labels_is_no_finding() =>
        Assert.DoesNotContain(Analyze(ExtraReviewsRule.Replace("version: v3", "version: v1")), d => d.Code == "TRL0112");

    [Fact]
    public void A_subset_the_gateway_cannot_see_is_reported_for_gateway_bound_routes()
    {
        var privateRule = ExtraReviewsRule.Replace("spec:\n", "spec:\n  exportTo: [\".\"]\n");

        Assert.DoesNotContain(Analyze(privateRule + Vs("reviews", "reviews", "blue")), d => d.Code == "IST0101");
        var finding = Assert.Single(Analyze(privateRule + Vs("reviews", "reviews", "blue", "bookinfo-gateway")), d => d.Code == "IST0101");
        Assert.Equal("spec.http[0].route[0].destination.subset", finding.FieldPath);
    }
}
