namespace Trellis.Config.Tests;

/// <summary>Kind rules beyond field types: Istio weight semantics, ports, names and labels.</summary>
public class SchemaRuleTests
{
    private static string Route(string destinations) => $"""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: reviews
        spec:
          hosts: [reviews]
          http:
          - route:
        {destinations}
        """;

    private static string Dest(string subset, int? weight) =>
        $"    - destination:\n        host: reviews\n        subset: {subset}\n" + (weight is { } w ? $"      weight: {w}\n" : "");

    [Fact]
    public void Single_destination_without_weight_takes_all_traffic() =>
        Assert.Empty(Load.Errors(Route(Dest("v1", null))));

    [Fact]
    public void Weights_90_and_10_are_valid() =>
        Assert.Empty(Load.Errors(Route(Dest("v1", 90) + Dest("v2", 10))));

    [Fact]
    public void Weights_100_and_0_are_valid() =>
        Assert.Empty(Load.Errors(Route(Dest("v1", 100) + Dest("v2", 0))));

    [Fact]
    public void Weights_90_and_20_do_not_sum_to_100()
    {
        var error = Load.SingleError(Route(Dest("v1", 90) + Dest("v2", 20)));

        Assert.Equal("IST0106", error.Code);
        Assert.Equal("spec.http[0].route", error.FieldPath);
        Assert.Equal("total destination weight 110 != 100", error.Message);
        Assert.Equal((8, 5), (error.Line, error.Column));
    }

    [Fact]
    public void Weight_out_of_range_is_an_error()
    {
        var error = Load.SingleError(Route(Dest("v1", 150) + Dest("v2", -50)).Replace("-50", "0"));

        Assert.Equal("spec.http[0].route[0].weight", error.FieldPath);
        Assert.Equal("weight 150 is out of range (0-100)", error.Message);
    }

    [Fact]
    public void Single_destination_with_a_partial_weight_is_an_error() =>
        Assert.Equal("spec.http[0].route[0].weight", Load.SingleError(Route(Dest("v1", 50))).FieldPath);

    [Fact]
    public void Destination_port_out_of_range_is_an_error()
    {
        var error = Load.SingleError(Route("    - destination:\n        host: reviews\n        port:\n          number: 70000\n"));

        Assert.Equal("spec.http[0].route[0].destination.port.number", error.FieldPath);
        Assert.Equal("port 70000 is out of range (1-65535)", error.Message);
    }

    [Fact]
    public void Service_port_out_of_range_and_bad_names_are_errors()
    {
        var errors = Load.Errors("""
            apiVersion: v1
            kind: Service
            metadata:
              name: Reviews
              labels:
                "bad key!": x
            spec:
              selector:
                app: reviews
              ports:
              - port: 0
                name: http
            """);

        Assert.Contains(errors, e => e.FieldPath == "metadata.name" && e.Message.Contains("DNS-1035"));
        Assert.Contains(errors, e => e.FieldPath == "metadata.labels[bad key!]" && e.Line == 6);
        Assert.Contains(errors, e => e.FieldPath == "spec.ports[0].port" && e.Message == "port 0 is out of range (1-65535)" && e.Line == 11);
    }

    [Fact]
    public void Invalid_label_value_is_an_error()
    {
        var error = Load.SingleError("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns\n  labels:\n    app: \"-bad-\"\n");

        Assert.Equal("metadata.labels.app", error.FieldPath);
        Assert.Equal((6, 5), (error.Line, error.Column));
    }

    [Fact]
    public void Deployment_selector_must_match_template_labels()
    {
        var error = Load.SingleError("""
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: reviews-v1
            spec:
              selector:
                matchLabels: {app: reviews}
              template:
                metadata:
                  labels: {app: ratings}
                spec:
                  containers:
                  - name: reviews
                    command: [dotnet, reviews.dll]
            """);

        Assert.Equal("spec.template.metadata.labels", error.FieldPath);
        Assert.Equal("selector does not match template labels", error.Message);
    }

    [Fact]
    public void Deployment_is_bound_with_defaults()
    {
        var resource = Load.Single("""
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: reviews-v1
              namespace: bookinfo
            spec:
              selector:
                matchLabels: {app: reviews}
              template:
                metadata:
                  labels: {app: reviews, version: v1}
                spec:
                  serviceAccountName: bookinfo-reviews
                  containers:
                  - name: reviews
                    command: [dotnet, reviews.dll]
                    env:
                    - name: LOG
                      value: "1"
                    readinessProbe:
                      httpGet: {path: /health, port: http}
                      periodSeconds: 2
            """);
        var spec = resource.SpecAs<Model.Apps.DeploymentSpec>()!;

        Assert.Equal(1, spec.ReplicaCount);
        Assert.Equal("bookinfo-reviews", spec.Template!.Spec!.ServiceAccountName);
        Assert.Equal("http", spec.Template.Spec.Containers![0].ReadinessProbe!.HttpGet!.Port!.Value.String);
        Assert.Equal("v1", spec.Template.Metadata!.Labels!["version"]);
        Assert.Equal(new Model.SourceLocation("test.yaml", 16, 9), resource.LocationOf("spec.template.spec.containers[0].command"));
    }

    [Fact]
    public void Unquoted_number_in_a_string_field_asks_for_quotes()
    {
        var error = Load.SingleError("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns\n  labels:\n    version: 1.0\n");

        Assert.Equal("expected a string, got a number 1.0 (quote it: \"1.0\")", error.Message);
    }

    [Fact]
    public void Cluster_scoped_kinds_have_no_namespace_and_others_default()
    {
        var result = Load.Text("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bookinfo\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n");

        Assert.Null(result.Resources[0].Metadata.Namespace);
        Assert.Equal("Namespace bookinfo", result.Resources[0].Ref.ToString());
        Assert.Equal("default", result.Resources[1].Metadata.Namespace);
    }

    [Fact]
    public void List_items_are_expanded_and_json_is_accepted()
    {
        var result = Load.Text("""{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}}, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "b"}}]}""", "x.json");

        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        Assert.Equal(["a", "b"], result.Resources.Select(r => r.Metadata.Name));
    }

    private static string ConsistentHash(string settings) => $"""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: reviews
        spec:
          host: reviews
          trafficPolicy:
            loadBalancer:
              consistentHash:
        {settings}
        """;

    [Theory]
    [InlineData("httpHeaderName: end-user")]
    [InlineData("httpCookie: {name: user, ttl: 0s}")]
    [InlineData("useSourceIp: true\n        maglev: {tableSize: 65537}")]
    [InlineData("httpQueryParameterName: user\n        ringHash: {minimumRingSize: 2048}")]
    public void Consistent_hash_settings_istio_accepts_are_valid(string settings) =>
        Assert.Empty(Load.Errors(ConsistentHash("        " + settings)));

    [Theory]
    [InlineData("httpCookie: {name: user}", "spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.ttl", "missing required field")]
    [InlineData("useSourceIp: true\n        maglev: {tableSize: 65536}", "spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize", "must be a prime number")]
    [InlineData("useSourceIp: true\n        maglev: {}", "spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize", "must be a prime number")]
    [InlineData("useSourceIp: true\n        minimumRingSize: 10\n        ringHash: {minimumRingSize: 10}", "spec.trafficPolicy.loadBalancer.consistentHash.minimumRingSize", "set only one of")]
    public void Consistent_hash_settings_istio_rejects_name_the_field(string settings, string path, string message)
    {
        var errors = Load.Errors(ConsistentHash("        " + settings));
        Assert.Contains(errors, e => e.FieldPath == path && e.Message.Contains(message, StringComparison.Ordinal));
    }
}
