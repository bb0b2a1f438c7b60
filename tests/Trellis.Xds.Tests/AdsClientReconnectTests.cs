using Trellis.Xds.Tests.Support;

namespace Trellis.Xds.Tests;

/// <summary>While the control plane is away the client keeps its configuration; when it is back the
/// client announces what it runs, as Envoy does, so the server knows where it resumes from.</summary>
public sealed class AdsClientReconnectTests
{
    [Fact]
    public async Task Reconnecting_client_keeps_its_config_and_announces_versions_and_subscriptions()
    {
        const string node = "sidecar~10.0.0.9~reviews-v1-1.bookinfo~bookinfo.svc.cluster.local";
        var first = await XdsTestServer.StartAsync(_ => Resources.Mesh("1"));
        var port = first.Port;
        var handler = new RecordingHandler();
        await using var client = Clients.Start(first.Address, node, handler);
        await Eventually.HoldsAsync(() => first.Registry.AllAcked(node, "1"), "sync with the first server");

        await first.DisposeAsync();
        await Eventually.HoldsAsync(() => !client.IsConnected, "client notices the server is gone");
        var applied = handler.Deliveries.Count;
        await Task.Delay(300);
        Assert.Equal(applied, handler.Deliveries.Count);
        Assert.All(Clients.AllTypes, t => Assert.Equal("1", client.AppliedVersions[t]));

        await using var second = await XdsTestServer.StartAsync(_ => Resources.Mesh("2"), port: port);
        await Eventually.HoldsAsync(() => second.Registry.AllAcked(node, "2"), "resync with the restarted server");

        var requests = second.Requests.All;
        Assert.Equal(node, requests[0].Node.Id);
        Assert.All(requests.Skip(1), r => Assert.Null(r.Node));
        var opening = requests.GroupBy(r => r.TypeUrl).ToDictionary(g => g.Key, g => g.First());
        Assert.All(Clients.AllTypes, t =>
        {
            Assert.Equal("1", opening[t].VersionInfo);
            Assert.Equal("", opening[t].ResponseNonce);
        });
        Assert.Empty(opening[TypeUrls.Listener].ResourceNames);
        Assert.Empty(opening[TypeUrls.Cluster].ResourceNames);
        Assert.Equal(["r1"], opening[TypeUrls.RouteConfiguration].ResourceNames);
        Assert.Equal(["c1", "c2"], opening[TypeUrls.ClusterLoadAssignment].ResourceNames);
        Assert.All(Clients.AllTypes, t => Assert.Equal("2", client.AppliedVersions[t]));
    }
}
