using Trellis.Samples.Tests.Harness;
using YamlDotNet.RepresentationModel;

namespace Trellis.Samples.Tests.Manifests;

/// <summary>The manifests mirror Istio's Bookinfo and point at things that exist.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ManifestTests
{
    private static List<YamlMappingNode> Load(params string[] path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Repo.Bookinfo(path));
        stream.Load(reader);
        return [.. stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>()];
    }

    private static string? Get(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode map || !map.Children.TryGetValue(key, out var next)) return null;
            node = next;
        }
        return (node as YamlScalarNode)?.Value;
    }

    private static YamlNode Node(YamlNode node, params object[] path)
    {
        foreach (var step in path)
            node = step is int i ? ((YamlSequenceNode)node)[i] : ((YamlMappingNode)node)[(string)step];
        return node;
    }

    private static IEnumerable<YamlMappingNode> OfKind(IEnumerable<YamlMappingNode> docs, string kind) => docs.Where(d => Get(d, "kind") == kind);

    [Fact]
    public void Every_object_lives_in_the_bookinfo_namespace_which_has_injection_enabled()
    {
        var docs = Load("bookinfo.yaml").Concat(Load("bookinfo-gateway.yaml")).Concat(Load("destination-rule-all.yaml")).ToList();
        var ns = Assert.Single(OfKind(docs, "Namespace"));
        Assert.Equal("bookinfo", Get(ns, "metadata", "name"));
        Assert.Equal("enabled", Get(ns, "metadata", "labels", "istio-injection"));
        Assert.All(docs.Where(d => Get(d, "kind") != "Namespace"), d => Assert.Equal("bookinfo", Get(d, "metadata", "namespace")));
    }

    [Fact]
    public void Services_and_service_accounts_match_istios()
    {
        var docs = Load("bookinfo.yaml");
        string[] apps = ["details", "ratings", "reviews", "productpage"];
        Assert.Equal(apps, OfKind(docs, "Service").Select(s => Get(s, "metadata", "name")));
        Assert.All(OfKind(docs, "Service"), s =>
        {
            Assert.Equal("9080", Get(Node(s, "spec", "ports", 0), "port"));
            Assert.Equal("http", Get(Node(s, "spec", "ports", 0), "name"));
            Assert.Equal(Get(s, "metadata", "name"), Get(s, "spec", "selector", "app"));
        });
        Assert.Equal(apps.Select(a => "bookinfo-" + a), OfKind(docs, "ServiceAccount").Select(s => Get(s, "metadata", "name")));
    }

    [Fact]
    public void Deployments_run_the_launcher_with_their_app_and_version()
    {
        var docs = Load("bookinfo.yaml");
        var deployments = OfKind(docs, "Deployment").ToList();
        Assert.Equal(["details-v1", "ratings-v1", "reviews-v1", "reviews-v2", "reviews-v3", "productpage-v1"], deployments.Select(d => Get(d, "metadata", "name")));
        foreach (var deployment in deployments)
        {
            var app = Get(deployment, "spec", "template", "metadata", "labels", "app")!;
            var version = Get(deployment, "spec", "template", "metadata", "labels", "version")!;
            Assert.Equal($"{app}-{version}", Get(deployment, "metadata", "name"));
            Assert.Equal("1", Get(deployment, "spec", "replicas"));
            Assert.Equal("bookinfo-" + app, Get(deployment, "spec", "template", "spec", "serviceAccountName"));
            var container = Node(deployment, "spec", "template", "spec", "containers", 0);
            Assert.Equal($"docker.io/istio/examples-bookinfo-{app}-{version}:1.20.1", Get(container, "image"));
            var command = Path.GetFullPath(Path.Combine(Repo.Bookinfo(), ((YamlScalarNode)Node(container, "command", 0)).Value!));
            Assert.Equal(Repo.Bookinfo("bin", "bookinfo"), command);
            Assert.True(File.GetUnixFileMode(command).HasFlag(UnixFileMode.UserExecute), $"{command} is not executable");
            Assert.Equal(app, ((YamlScalarNode)Node(container, "args", 0)).Value);
            Assert.Equal("9080", Get(Node(container, "ports", 0), "containerPort"));
            Assert.Equal("/health", Get(container, "readinessProbe", "httpGet", "path"));
            var env = container is YamlMappingNode c && c.Children.ContainsKey("env") ? (YamlSequenceNode)Node(container, "env") : new YamlSequenceNode();
            var serviceVersion = env.Children.FirstOrDefault(e => Get(e, "name") == "SERVICE_VERSION");
            Assert.Equal(app == "reviews" ? version : null, serviceVersion is null ? null : Get(serviceVersion, "value"));
        }
    }

    [Fact]
    public void The_gateway_route_sends_istios_paths_to_productpage()
    {
        var docs = Load("bookinfo-gateway.yaml");
        var gateway = Assert.Single(OfKind(docs, "Gateway"));
        Assert.Equal("ingressgateway", Get(gateway, "spec", "selector", "istio"));
        Assert.Equal("8080", Get(Node(gateway, "spec", "servers", 0), "port", "number"));
        var vs = Assert.Single(OfKind(docs, "VirtualService"));
        Assert.Equal("bookinfo-gateway", ((YamlScalarNode)Node(vs, "spec", "gateways", 0)).Value);
        var matches = ((YamlSequenceNode)Node(vs, "spec", "http", 0, "match")).Select(m => Node(m, "uri")).Cast<YamlMappingNode>()
            .Select(u => $"{((YamlScalarNode)u.Children.Keys.Single()).Value} {((YamlScalarNode)u.Children.Values.Single()).Value}");
        Assert.Equal(["exact /productpage", "prefix /static", "exact /login", "exact /logout", "prefix /api/v1/products"], matches);
        Assert.Equal("productpage", Get(Node(vs, "spec", "http", 0, "route", 0), "destination", "host"));
    }

    [Theory]
    [InlineData("virtual-service-all-v1.yaml")]
    [InlineData("virtual-service-reviews-test-v2.yaml")]
    [InlineData("virtual-service-reviews-90-10.yaml")]
    [InlineData("virtual-service-reviews-50-v3.yaml")]
    [InlineData("virtual-service-reviews-v3.yaml")]
    [InlineData("virtual-service-ratings-test-delay.yaml")]
    [InlineData("virtual-service-ratings-test-abort.yaml")]
    public void Routing_variants_use_defined_subsets_and_weights_that_sum_to_100(string file)
    {
        var subsets = OfKind(Load("destination-rule-all.yaml"), "DestinationRule")
            .SelectMany(dr => ((YamlSequenceNode)Node(dr, "spec", "subsets")).Select(s => $"{Get(dr, "spec", "host")}/{Get(s, "name")}"))
            .ToHashSet();
        foreach (var vs in OfKind(Load("networking", file), "VirtualService"))
        {
            Assert.Equal("bookinfo", Get(vs, "metadata", "namespace"));
            foreach (var rule in (YamlSequenceNode)Node(vs, "spec", "http"))
            {
                var routes = ((YamlSequenceNode)Node(rule, "route")).ToList();
                Assert.All(routes, r => Assert.Contains($"{Get(r, "destination", "host")}/{Get(r, "destination", "subset")}", subsets));
                if (routes.Count > 1) Assert.Equal(100, routes.Sum(r => int.Parse(Get(r, "weight")!)));
            }
        }
    }
}
