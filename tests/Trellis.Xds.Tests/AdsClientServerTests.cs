using System.Collections.Concurrent;
using System.Diagnostics;
using Trellis.Xds.Client;
using Trellis.Xds.Tests.Support;

namespace Trellis.Xds.Tests;

/// <summary>Our ADS client against our ADS server, in-process over real h2c on 127.0.0.1, in each variant of the protocol.</summary>
public abstract class AdsClientServerTests
{
    protected abstract XdsProtocol Protocol { get; }

    private AdsClient Start(Uri server, string nodeId, IXdsResourceHandler handler) => Clients.Start(server, nodeId, handler, Protocol);

    [Fact]
    public async Task Client_gets_listeners_and_clusters_then_the_routes_and_endpoints_they_name_and_acks_every_type()
    {
        await using var server = await XdsTestServer.StartAsync(_ => Resources.Mesh("1"));
        var handler = new RecordingHandler();
        await using var client = Start(server.Address, "sidecar~1", handler);

        await Eventually.HoldsAsync(() => server.Registry.AllAcked("sidecar~1", "1"), "LDS, RDS, CDS and EDS acked at version 1");

        Assert.True(client.IsConnected);
        Assert.Equal(["l1"], handler.Last(TypeUrls.Listener)!.Names);
        Assert.Equal(["c1", "c2"], handler.Last(TypeUrls.Cluster)!.Names);
        Assert.Equal(["r1"], handler.Last(TypeUrls.RouteConfiguration)!.Names);
        Assert.Equal(["c1", "c2"], handler.Last(TypeUrls.ClusterLoadAssignment)!.Names);
        var order = handler.Deliveries.Select(d => d.TypeUrl).ToList();
        Assert.True(order.IndexOf(TypeUrls.Listener) < order.IndexOf(TypeUrls.RouteConfiguration), "routes arrive after the listener naming them");
        Assert.True(order.IndexOf(TypeUrls.Cluster) < order.IndexOf(TypeUrls.ClusterLoadAssignment), "endpoints arrive after the clusters naming them");
        foreach (var type in Clients.AllTypes)
        {
            var status = server.Registry.Status("sidecar~1", type)!;
            Assert.Equal("1", status.SentVersion);
            Assert.Null(status.NackError);
        }
    }

    [Fact]
    public async Task Rejected_version_is_recorded_as_nack_not_resent_and_a_new_version_is_acked()
    {
        await using var server = await XdsTestServer.StartAsync(_ => Resources.Mesh("1"));
        var handler = new RecordingHandler((type, version) =>
            type == TypeUrls.Cluster && version == "1" ? "cluster c1: connect_timeout too short" : null);
        await using var client = Start(server.Address, "sidecar~2", handler);

        await Eventually.HoldsAsync(() => server.Registry.Status("sidecar~2", TypeUrls.Cluster)?.NackedVersion == "1", "CDS version 1 nacked");
        var cds = server.Registry.Status("sidecar~2", TypeUrls.Cluster)!;
        Assert.Equal("cluster c1: connect_timeout too short", cds.NackError);
        Assert.Null(cds.AckedVersion);
        await Eventually.HoldsAsync(() => server.Registry.Status("sidecar~2", TypeUrls.Listener)?.AckedVersion == "1", "LDS still acked");

        await Task.Delay(300);
        Assert.Single(handler.Of(TypeUrls.Cluster), d => d.Version == "1");

        server.Cache.SetSnapshot("sidecar~2", Resources.Mesh("2"));
        await Eventually.HoldsAsync(() => server.Registry.AllAcked("sidecar~2", "2"), "every type acked at version 2");
        Assert.Equal("1", server.Registry.Status("sidecar~2", TypeUrls.Cluster)!.NackedVersion);
    }

    [Fact]
    public async Task Snapshot_change_reaches_the_client_within_one_second()
    {
        await using var server = await XdsTestServer.StartAsync(_ => Resources.Mesh("1"));
        var handler = new RecordingHandler();
        await using var client = Start(server.Address, "sidecar~3", handler);
        await Eventually.HoldsAsync(() => server.Registry.AllAcked("sidecar~3", "1"), "initial sync");

        var changed = Resources.Snapshot("2",
            Resources.ApiListener("l1", "r1"),
            Resources.Route("r1", "c9", "l1"),
            Resources.EdsCluster("c9"),
            Resources.Endpoints("c9", 10009));
        var clock = Stopwatch.StartNew();
        server.Cache.SetSnapshot("sidecar~3", changed);
        // Under incremental xDS the endpoints of the removed cluster may be dropped (an empty version 2) before the
        // client subscribes to the new cluster's, so the change is applied once c9's endpoints arrive.
        await Eventually.HoldsAsync(() => handler.Last(TypeUrls.ClusterLoadAssignment) is { Version: "2", Names: ["c9"] }
            && handler.Last(TypeUrls.RouteConfiguration)?.Version == "2", "version 2 applied", TimeSpan.FromSeconds(1));
        clock.Stop();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
        Assert.Equal(["c9"], handler.Last(TypeUrls.Cluster)!.Names);
        Assert.Equal(["c9"], handler.Last(TypeUrls.ClusterLoadAssignment)!.Names);
        await Eventually.HoldsAsync(() => server.Registry.AllAcked("sidecar~3", "2"), "version 2 acked");
    }

    [Fact]
    public async Task Client_reconnects_by_itself_to_a_restarted_server_and_resyncs()
    {
        var server = await XdsTestServer.StartAsync(_ => Resources.Mesh("1"));
        var port = server.Port;
        var handler = new RecordingHandler();
        await using var client = Start(server.Address, "sidecar~4", handler);
        await Eventually.HoldsAsync(() => server.Registry.AllAcked("sidecar~4", "1"), "sync with the first server");

        await server.DisposeAsync();
        await Eventually.HoldsAsync(() => !client.IsConnected, "client notices the server is gone");

        await using var restarted = await XdsTestServer.StartAsync(_ => Resources.Mesh("2"), port: port);
        await Eventually.HoldsAsync(() => restarted.Registry.AllAcked("sidecar~4", "2"), "resync with the restarted server", TimeSpan.FromSeconds(10));
        Assert.True(client.IsConnected);
        Assert.Equal(["c1", "c2"], handler.Last(TypeUrls.ClusterLoadAssignment)!.Names);
    }

    [Fact]
    public async Task Observer_is_told_when_a_node_connects_and_when_its_last_stream_closes()
    {
        var events = new ConcurrentQueue<string>();
        await using var server = await XdsTestServer.StartAsync(node => Resources.Mesh(node.Id == "sidecar~5" ? "7" : "0"), events);
        var client = Start(server.Address, "sidecar~5", new RecordingHandler());
        await Eventually.HoldsAsync(() => server.Registry.AllAcked("sidecar~5", "7"), "sync with the snapshot the observer set");
        Assert.Equal(["connected sidecar~5"], events);
        var node = Assert.Single(server.Registry.Snapshot()).Node;
        Assert.Equal("tests", node.Cluster);
        Assert.Equal("trellis-tests", node.UserAgent);

        await client.DisposeAsync();
        await Eventually.HoldsAsync(() => events.Count == 2, "disconnect reported");
        Assert.Equal(["connected sidecar~5", "disconnected sidecar~5"], events);
        Assert.Empty(server.Registry.Snapshot());
    }
}

public sealed class StateOfTheWorldClientServerTests : AdsClientServerTests
{
    protected override XdsProtocol Protocol => XdsProtocol.StateOfTheWorld;
}

public sealed class IncrementalClientServerTests : AdsClientServerTests
{
    protected override XdsProtocol Protocol => XdsProtocol.Incremental;
}
