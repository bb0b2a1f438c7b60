using Envoy.Config.Core.V3;
using Envoy.Service.Discovery.V3;
using Microsoft.Extensions.Logging.Abstractions;
using Trellis.Xds.Server;
using Trellis.Xds.Tests.Support;

namespace Trellis.Xds.Tests;

/// <summary>A stream's memory stays bounded whatever its client does: one that writes requests without reading
/// responses is held back instead of queued without end, and snapshot changes that arrive while the stream cannot send
/// wait as one.</summary>
public sealed class AdsSessionBoundsTests
{
    private const string Node = "hostile~1";

    private static (AdsStream Stream, EndlessRequests<DiscoveryRequest> Requests, UnreadResponses<DiscoveryResponse> Responses) Open(XdsSnapshotCache cache, int requestLimit, CancellationToken ct)
    {
        var requests = new EndlessRequests<DiscoveryRequest>(
            new DiscoveryRequest { Node = new Node { Id = Node }, TypeUrl = TypeUrls.Cluster },
            () => new DiscoveryRequest { TypeUrl = TypeUrls.ClusterLoadAssignment, ResourceNames = { "c1", "c2" } },
            requestLimit);
        var responses = new UnreadResponses<DiscoveryResponse>();
        var stream = new AdsStream(requests, responses, cache, new XdsConnectionRegistry(), null, null,
            new XdsSendGate(4, TimeSpan.FromMilliseconds(50)), new InProcessCallContext(ct), NullLogger.Instance);
        return (stream, requests, responses);
    }

    [Fact]
    public async Task A_client_that_writes_without_reading_is_held_back_not_queued_without_end()
    {
        var cache = new XdsSnapshotCache();
        cache.SetSnapshot(Node, Resources.Mesh("1"));
        using var cts = new CancellationTokenSource();
        var (stream, requests, responses) = Open(cache, 100_000, cts.Token);

        var run = stream.RunAsync(cts.Token);
        await Eventually.HoldsAsync(() => responses.Writes == 1, "the first response is being written");
        await Task.Delay(300);

        Assert.InRange(requests.Reads, 1, 64);
        await cts.CancelAsync();
        await run;
    }

    [Fact]
    public async Task Snapshot_changes_while_the_stream_cannot_send_wait_as_one()
    {
        var cache = new XdsSnapshotCache();
        cache.SetSnapshot(Node, Resources.Mesh("1"));
        using var cts = new CancellationTokenSource();
        var (stream, _, responses) = Open(cache, 1, cts.Token);

        var run = stream.RunAsync(cts.Token);
        await Eventually.HoldsAsync(() => responses.Writes == 1, "the first response is being written");
        for (var i = 0; i < 2000; i++) cache.SetSnapshot(Node, Resources.Mesh((i % 2).ToString(System.Globalization.CultureInfo.InvariantCulture)));

        Assert.InRange(stream.Queued, 0, 1);
        await cts.CancelAsync();
        await run;
    }

    [Fact]
    public async Task Requests_for_garbage_types_are_ignored_and_logged_once_and_short()
    {
        var cache = new XdsSnapshotCache();
        cache.SetSnapshot(Node, Resources.Mesh("1"));
        using var cts = new CancellationTokenSource();
        var garbage = "type.googleapis.com/" + new string('x', 100_000);
        var requests = new EndlessRequests<DiscoveryRequest>(
            new DiscoveryRequest { Node = new Node { Id = Node }, TypeUrl = garbage }, () => new DiscoveryRequest { TypeUrl = garbage }, 500);
        var responses = new UnreadResponses<DiscoveryResponse>();
        var log = new RecordingLogger();
        var stream = new AdsStream(requests, responses, cache, new XdsConnectionRegistry(), null, null, new XdsSendGate(), new InProcessCallContext(cts.Token), log);

        var run = stream.RunAsync(cts.Token);
        await Eventually.HoldsAsync(() => requests.Reads > 500 && stream.Queued == 0, "every request handled");

        var told = log.Messages.Where(m => m.Contains("unsupported type", StringComparison.Ordinal)).ToList();
        Assert.Single(told);
        Assert.InRange(told[0].Length, 1, 1000);
        Assert.Equal(0, responses.Writes);
        await cts.CancelAsync();
        await run;
    }
}
