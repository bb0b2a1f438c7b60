using Trellis.Samples.Tests.SampleSupport;
using static Trellis.Samples.Tests.SampleSupport.Manifests;

namespace Trellis.Samples.Tests.TcpEcho;

/// <summary>The tcp-echo manifests mirror Istio's tcp-echo sample and task, and their routes name subsets that exist.</summary>
public sealed class TcpEchoManifestTests
{
    private static readonly List<YamlDotNet.RepresentationModel.YamlMappingNode> Platform =
        [.. Load("tcp-echo", "tcp-echo.yaml"), .. Load("tcp-echo", "sleep.yaml"), .. Load("tcp-echo", "destination-rule-all.yaml")];

    [Fact]
    public void The_service_port_is_named_tcp_so_the_mesh_treats_it_as_opaque_tcp()
    {
        var service = Platform.Named("Service", "tcp-echo");
        Assert.Equal("tcp", Get(service, "spec", "ports", 0, "name"));
        Assert.Equal("9000", Get(service, "spec", "ports", 0, "port"));
        Assert.Equal("tcp-echo", Get(service, "spec", "selector", "app"));
        Assert.All(Platform.Where(d => Get(d, "kind") != "Namespace"), d => Assert.Equal("tcp-echo", Get(d, "metadata", "namespace")));
    }

    [Theory]
    [InlineData("tcp-echo-v1", "v1", "one")]
    [InlineData("tcp-echo-v2", "v2", "two")]
    public void Each_version_runs_the_server_with_its_own_prefix(string deployment, string version, string prefix)
    {
        var spec = Node(Platform.Named("Deployment", deployment), "spec", "template");
        Assert.Equal(version, Get(spec, "metadata", "labels", "version"));
        Assert.Equal("tcp-echo", Get(spec, "metadata", "labels", "app"));
        Assert.Equal("bin/tcp-echo-server", Get(spec, "spec", "containers", 0, "command", 0));
        Assert.Equal(prefix, Get(spec, "spec", "containers", 0, "args", 0));
        Assert.Equal("9000", Get(spec, "spec", "containers", 0, "readinessProbe", "tcpSocket", "port"));
    }

    [Fact]
    public void The_sleep_pod_exists_to_exec_from()
    {
        var sleep = Platform.Named("Deployment", "sleep");
        Assert.Equal("sleep", Get(sleep, "spec", "template", "spec", "containers", 0, "command", 0));
    }

    [Fact]
    public void Every_tcp_route_sends_port_9000_to_declared_subsets_with_weights_summing_to_100()
    {
        var subsets = Items(Platform.Named("DestinationRule", "tcp-echo-destination"), "spec", "subsets").Select(s => Get(s, "name")).ToList();
        Assert.Equal(["v1", "v2"], subsets);
        var expected = new Dictionary<string, (int, int)>
        {
            ["virtual-service-all-v1.yaml"] = (100, 0),
            ["virtual-service-20-v2.yaml"] = (80, 20),
            ["virtual-service-all-v2.yaml"] = (0, 100),
        };
        Assert.Equal(expected.Keys.Order(), Files("tcp-echo", "networking").Select(Path.GetFileName).Where(f => f!.StartsWith("virtual-service-", StringComparison.Ordinal)).Order());
        foreach (var (file, (v1, v2)) in expected)
        {
            var vs = Assert.Single(Load("tcp-echo", "networking", file));
            Assert.Null(Get(vs, "spec", "http"));
            var route = Node(vs, "spec", "tcp", 0);
            Assert.Equal("9000", Get(route, "match", 0, "port"));
            var destinations = Items(route, "route").ToList();
            Assert.Equal(["v1", "v2"], destinations.Select(d => Get(d, "destination", "subset")));
            Assert.All(destinations, d => Assert.Equal("tcp-echo", Get(d, "destination", "host")));
            Assert.Equal([v1.ToString(), v2.ToString()], destinations.Select(d => Get(d, "weight")));
        }
    }

    [Fact]
    public void The_gateway_sample_serves_istios_tcp_port_31400_with_every_connection_to_v1()
    {
        var objects = Load("tcp-echo", "networking", "gateway-all-v1.yaml").ToList();
        Assert.Equal(2, objects.Count);
        Assert.Equal("TCP", Get(objects[0], "spec", "servers", 0, "port", "protocol"));
        Assert.Equal("31400", Get(objects[0], "spec", "servers", 0, "port", "number"));
        var route = Node(objects[1], "spec", "tcp", 0);
        Assert.Equal("31400", Get(route, "match", 0, "port"));
        Assert.Equal("v1", Get(route, "route", 0, "destination", "subset"));
    }
}
