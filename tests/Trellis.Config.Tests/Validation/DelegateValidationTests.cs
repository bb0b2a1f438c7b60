namespace Trellis.Config.Tests.Validation;

/// <summary>istiod's rules for delegation: a VirtualService without hosts is a delegate, with HTTP rules only and no
/// further delegation; a root rule names its delegate.</summary>
public class DelegateValidationTests
{
    private static string Vs(string spec) => $"""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {"{"}name: vs, namespace: bookinfo{"}"}
        spec:
        {spec}
        """;

    [Fact]
    public void A_virtual_service_without_hosts_is_a_valid_delegate() =>
        Assert.Empty(Load.Errors(Vs("""
              http:
              - match:
                - uri: {prefix: /reviews}
                route:
                - destination: {host: reviews}
            """)));

    [Theory]
    [InlineData("  gateways: [bookinfo-gateway]\n  http:\n  - route:\n    - destination: {host: reviews}", "spec.gateways", "must have no gateways")]
    [InlineData("  tcp:\n  - route:\n    - destination: {host: reviews}", "spec.tcp", "must have no tcp routes")]
    [InlineData("  http:\n  - delegate: {name: other}", "spec.http[0].delegate", "one level of delegation")]
    public void A_delegate_routes_only_http_and_delegates_no_further(string spec, string field, string message)
    {
        var error = Assert.Single(Load.Errors(Vs(spec)), e => e.FieldPath == field);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void A_root_rule_names_its_delegate()
    {
        var error = Assert.Single(Load.Errors(Vs("  hosts: [reviews]\n  http:\n  - delegate: {namespace: team}")));
        Assert.Equal("spec.http[0].delegate.name", error.FieldPath);
    }

    [Fact]
    public void A_root_rule_cannot_both_route_and_delegate()
    {
        var error = Assert.Single(Load.Errors(Vs("  hosts: [reviews]\n  http:\n  - delegate: {name: d}\n    route:\n    - destination: {host: reviews}")));
        Assert.Contains("not route and delegate", error.Message);
    }

    [Fact]
    public void A_virtual_service_needs_some_routes() =>
        Assert.Contains("needs http, tcp or tls routes", Load.SingleError(Vs("  hosts: [reviews]")).Message);
}
