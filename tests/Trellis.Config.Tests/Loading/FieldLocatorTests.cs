using Trellis.Config.Model;

namespace Trellis.Config.Tests.Loading;

/// <summary>A loaded object keeps its file's text, not its YAML tree, and still names the line and column of any field
/// as they are in the file: parsing its own document again, in a file of several, inside a List.</summary>
public sealed class FieldLocatorTests
{
    private const string Yaml = """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews, namespace: bookinfo}
        spec:
          host: reviews
        ---
        apiVersion: v1
        kind: List
        items:
        - apiVersion: networking.istio.io/v1
          kind: VirtualService
          metadata: {name: reviews, namespace: bookinfo}
          spec:
            hosts: [reviews]
            http:
            - route:
              - destination: {host: reviews, subset: v1}
                weight: 100
        """;

    [Fact]
    public void Fields_are_located_in_each_object_of_a_file()
    {
        var resources = Load.Text(Yaml).Resources;
        var rule = resources.Single(r => r.Kind == "DestinationRule");
        var service = resources.Single(r => r.Kind == "VirtualService");

        Assert.Equal(new SourceLocation("test.yaml", 5, 3), rule.LocationOf("spec.host"));
        Assert.Equal(new SourceLocation("test.yaml", 18, 9), service.LocationOf("spec.http[0].route[0].weight"));
        Assert.Equal(new SourceLocation("test.yaml", 14, 5), service.LocationOf("spec.hosts.missing"));
        Assert.Equal(service.Source, service.LocationOf(""));
        Assert.Equal(new SourceLocation("test.yaml", 18, 9), service.LocationOf("spec.http[0].route[0].weight"));
    }
}
