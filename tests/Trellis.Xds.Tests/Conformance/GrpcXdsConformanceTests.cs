using System.Text.Json.Nodes;
using Envoy.Config.Cluster.V3;
using Google.Protobuf;
using Trellis.Xds.Server;
using Trellis.Xds.Tests.Support;

namespace Trellis.Xds.Tests.Conformance;

/// <summary>A third-party xDS client, @grpc/grpc-js-xds from npm, decodes our resources and obeys them:
/// the proof that our protos and ADS server speak Envoy v3 xDS as others implement it.</summary>
public sealed class GrpcXdsConformanceTests
{
    private const string Host = "reviews.bookinfo.svc.cluster.local";
    private const string ListenerName = Host + ":9080";
    private const string V1Cluster = "outbound|9080|v1|" + Host;
    private const string V2Cluster = "outbound|9080|v2|" + Host;
    private const string NodeId = "sidecar~127.0.0.1~conformance-7f9c.bookinfo~bookinfo.svc.cluster.local";
    private const int Calls = 6;

    [ConformanceFact]
    public async Task Grpc_js_xds_resolves_reviews_through_our_ads_server_calls_only_v2_and_acks_every_type()
    {
        await using var v1 = await ReviewsBackend.StartAsync("v1");
        await using var v2 = await ReviewsBackend.StartAsync("v2");
        var snapshot = Mesh(v1.Port, v2.Port, _ => "7");
        await using var server = await XdsTestServer.StartAsync(_ => snapshot);
        using var bootstrap = new BootstrapFile(server.Port, NodeId);
        await using var client = NodeXdsClient.Start(bootstrap.Path, $"xds:///{ListenerName}", Calls);

        Assert.Equal(Enumerable.Repeat("v2", Calls), Versions(await client.ReadLineAsync(TimeSpan.FromSeconds(60))));
        Assert.Equal(0, v1.Calls);
        Assert.Equal(Calls, v2.Calls);

        await Eventually.HoldsAsync(() => server.Registry.AllAcked(NodeId, "7"), "ACKs of LDS, RDS, CDS and EDS from grpc-js-xds");
        var node = server.Registry.Snapshot().Single(n => n.Node.Id == NodeId);
        Assert.All(node.Types, t => Assert.Null(t.NackError));
        Assert.Equal("bookinfo", node.Node.Metadata["NAMESPACE"]);
        Assert.Equal("conformance", node.Node.Labels["app"]);
        Assert.Equal(new IstioNodeId("sidecar", "127.0.0.1", "conformance-7f9c", "bookinfo", "bookinfo.svc.cluster.local"), node.Node.IstioId);
        Assert.False(string.IsNullOrEmpty(node.Node.UserAgent), "grpc-js-xds announces its user agent");
    }

    [ConformanceFact]
    public async Task Grpc_js_xds_nacks_a_cluster_it_cannot_use_and_recovers_on_the_next_version()
    {
        await using var v1 = await ReviewsBackend.StartAsync("v1");
        await using var v2 = await ReviewsBackend.StartAsync("v2");
        // gRPC clients implement round robin and ring hash only; MAGLEV must be rejected.
        var rejected = Mesh(v1.Port, v2.Port, t => t == TypeUrls.Cluster ? "maglev" : "1", Cluster.Types.LbPolicy.Maglev);
        await using var server = await XdsTestServer.StartAsync(_ => rejected);
        using var bootstrap = new BootstrapFile(server.Port, NodeId);
        await using var client = NodeXdsClient.Start(bootstrap.Path, $"xds:///{ListenerName}", Calls);

        // The first thing the client does once node has started, which takes seconds on a loaded machine.
        await Eventually.HoldsAsync(() => server.Registry.Status(NodeId, TypeUrls.Cluster)?.NackError is not null, "grpc-js-xds's NACK of the MAGLEV cluster",
            TimeSpan.FromSeconds(60));
        var nacked = server.Registry.Status(NodeId, TypeUrls.Cluster)!;
        Assert.Equal("maglev", nacked.NackedVersion);
        Assert.Contains("lb_policy", nacked.NackError, StringComparison.Ordinal);
        await Task.Delay(500);
        var later = server.Registry.Status(NodeId, TypeUrls.Cluster);
        Assert.True(later is not null, $"grpc-js-xds disconnected after its NACK. stderr:\n{client.Stderr}");
        Assert.Equal(nacked.SentNonce, later.SentNonce);

        server.Cache.SetSnapshot(NodeId, Mesh(v1.Port, v2.Port, _ => "2"));

        Assert.Equal(Enumerable.Repeat("v2", Calls), Versions(await client.ReadLineAsync(TimeSpan.FromSeconds(60))));
        await Eventually.HoldsAsync(() => server.Registry.AllAcked(NodeId, "2"), "ACKs of version 2 after the NACK");
        Assert.Equal("maglev", server.Registry.Status(NodeId, TypeUrls.Cluster)!.NackedVersion);
    }

    /// <summary>Listener, route to v2, and both versions as EDS clusters with endpoints, so only the route decides.</summary>
    private static XdsSnapshot Mesh(int v1Port, int v2Port, Func<string, string> versionOf, Cluster.Types.LbPolicy v2Policy = Cluster.Types.LbPolicy.RoundRobin)
    {
        var v2Cluster = Resources.EdsCluster(V2Cluster);
        v2Cluster.LbPolicy = v2Policy;
        IMessage[] resources =
        [
            Resources.ApiListener(ListenerName, "9080"),
            Resources.Route("9080", V2Cluster, Host, ListenerName),
            Resources.EdsCluster(V1Cluster),
            v2Cluster,
            Resources.Endpoints(V1Cluster, v1Port),
            Resources.Endpoints(V2Cluster, v2Port),
        ];
        return new XdsSnapshot(resources
            .GroupBy(r => "type.googleapis.com/" + r.Descriptor.FullName)
            .ToDictionary(g => g.Key, g => (versionOf(g.Key), (IReadOnlyList<IMessage>)g.ToList())));
    }

    private static List<string> Versions(string clientOutput) =>
        JsonNode.Parse(clientOutput)!["versions"]!.AsArray().Select(v => v!.GetValue<string>()).ToList();
}
