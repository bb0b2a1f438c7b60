using System.Runtime.CompilerServices;
using Trellis.Config.Model;

namespace Trellis.Config.Tests.Loading;

/// <summary>A loaded object keeps its file's text, not its YAML tree, and still names the line of any field: in the
/// same file as other objects, inside a List, and after the trees parsed at load were collected.</summary>
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

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IReadOnlyList<Resource> Loaded() => Load.Text(Yaml).Resources;

    [Fact]
    public void Fields_are_located_in_each_object_of_a_file_also_after_its_parsed_trees_are_collected()
    {
        var resources = Loaded();
        var rule = resources.Single(r => r.Kind == "DestinationRule");
        var service = resources.Single(r => r.Kind == "VirtualService");

        Assert.Equal(new SourceLocation("test.yaml", 5, 3), rule.LocationOf("spec.host"));
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.Equal(new SourceLocation("test.yaml", 18, 9), service.LocationOf("spec.http[0].route[0].weight"));
        Assert.Equal(new SourceLocation("test.yaml", 5, 3), rule.LocationOf("spec.host"));
        Assert.Equal(new SourceLocation("test.yaml", 14, 5), service.LocationOf("spec.hosts.missing"));
        Assert.Equal(service.Source, service.LocationOf(""));
    }
}
