using Trellis.Samples.Tests.SampleSupport;
using static Trellis.Samples.Tests.SampleSupport.Manifests;

namespace Trellis.Samples.Tests.GrpcGreeter;

/// <summary>The greeter's manifests: a `grpc` port (Istio protocol selection), two versions, a client pod, and
/// routing variants that name subsets that exist.</summary>
public sealed class GreeterManifestTests
{
    private static readonly List<YamlDotNet.RepresentationModel.YamlMappingNode> Platform =
        [.. Load("grpc-greeter", "grpc-greeter.yaml"), .. Load("grpc-greeter", "destination-rule-all.yaml")];

    [Fact]
    public void The_service_port_is_named_grpc()
    {
        var service = Platform.Named("Service", "greeter");
        Assert.Equal("grpc", Get(service, "spec", "ports", 0, "name"));
        Assert.Equal("50051", Get(service, "spec", "ports", 0, "port"));
        Assert.All(Platform.Where(d => Get(d, "kind") != "Namespace"), d => Assert.Equal("grpc-greeter", Get(d, "metadata", "namespace")));
    }

    [Theory]
    [InlineData("greeter-v1", "v1")]
    [InlineData("greeter-v2", "v2")]
    public void Each_version_serves_with_its_SERVICE_VERSION(string deployment, string version)
    {
        var template = Node(Platform.Named("Deployment", deployment), "spec", "template");
        Assert.Equal(version, Get(template, "metadata", "labels", "version"));
        var container = Node(template, "spec", "containers", 0);
        Assert.Equal("bin/grpc-greeter", Get(container, "command", 0));
        Assert.Equal("serve", Get(container, "args", 0));
        Assert.Contains(Items(container, "env"), e => Get(e, "name") == "SERVICE_VERSION" && Get(e, "value") == version);
    }

    [Fact]
    public void Every_routing_variant_names_declared_subsets_of_greeter()
    {
        var subsets = Items(Platform.Named("DestinationRule", "greeter"), "spec", "subsets").Select(s => Get(s, "name")).ToHashSet();
        Assert.Equal(["v1", "v2"], subsets.Order());
        var files = Files("grpc-greeter", "networking").ToList();
        Assert.Equal(4, files.Count);
        foreach (var file in files)
        {
            var vs = Assert.Single(Load("grpc-greeter", "networking", Path.GetFileName(file)));
            Assert.Equal("greeter", Get(vs, "spec", "hosts", 0));
            var destinations = Items(vs, "spec", "http").SelectMany(r => Items(r, "route")).ToList();
            Assert.NotEmpty(destinations);
            Assert.All(destinations, d => Assert.Contains(Get(d, "destination", "subset"), subsets));
        }
        var jason = Assert.Single(Load("grpc-greeter", "networking", "virtual-service-end-user-v2.yaml"));
        Assert.Equal("jason", Get(jason, "spec", "http", 0, "match", 0, "headers", "end-user", "exact"));
        var abort = Assert.Single(Load("grpc-greeter", "networking", "virtual-service-test-abort.yaml"));
        Assert.Equal("jason", Get(abort, "spec", "http", 0, "match", 0, "headers", "end-user", "exact"));
        Assert.Equal("UNAVAILABLE", Get(abort, "spec", "http", 0, "fault", "abort", "grpcStatus"));
    }
}
