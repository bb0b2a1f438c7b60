using System.Collections.Frozen;
using Envoy.Config.Core.V3;
using Microsoft.AspNetCore.Http;
using Trellis.Proxy.Bootstrap;
using Trellis.Proxy.Completion;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Forwarding;
using Trellis.Proxy.Listeners;
using Trellis.Proxy.Telemetry;
using Trellis.Proxy.Tests.Support;

namespace Trellis.Proxy.Tests.Telemetry;

/// <summary>Request metrics resolve their series through a cache keyed by object identity and outcome;
/// the series they land in must still be exactly the ones their label values name.</summary>
public class RequestSeriesCacheTests
{
    private static readonly ListenerModel Inbound = TestListeners.VirtualInbound;

    private static readonly OwnIdentity Own = TestIdentities.ReviewsV1;

    private readonly IstioMetrics _metrics = new(new MetricRegistry(), Own);

    private static PeerIdentity Peer(string workload) =>
        PeerIdentity.FromLabels(workload, "bookinfo", null, new Dictionary<string, string> { ["app"] = workload, ["version"] = "v1" });

    private static ProxySnapshot NewSnapshot() => ProxySnapshot.Empty with { Listeners = FrozenDictionary<string, ListenerModel>.Empty };

    private string[] Record(ProxySnapshot snapshot, PeerIdentity? peer, int status, string flag = ResponseFlags.None)
    {
        var http = new DefaultHttpContext();
        http.Request.Host = new HostString("reviews:9080");
        http.Response.StatusCode = status;
        var context = new RequestContext(http, snapshot, Inbound, Inbound.OnlyChain()) { Peer = peer, ResponseFlag = flag };
        var record = CompletionRecord.ForRequest(context, details: false);
        _metrics.OnCompleted(record);
        return _metrics.Labels(record);
    }

    [Fact]
    public void Each_status_counts_in_its_own_series()
    {
        var snapshot = NewSnapshot();
        var peer = Peer("productpage-v1");
        var ok = Record(snapshot, peer, 200);
        Record(snapshot, peer, 200);
        var unavailable = Record(snapshot, peer, 503, ResponseFlags.NoHealthyUpstream);

        Assert.Equal(2, _metrics.Requests.Value(ok));
        Assert.Equal(1, _metrics.Requests.Value(unavailable));
        Assert.Equal(3, _metrics.Duration.Count(ok) + _metrics.Duration.Count(unavailable));
    }

    [Fact]
    public void Each_peer_counts_in_its_own_series()
    {
        var snapshot = NewSnapshot();
        var fromProductpage = Record(snapshot, Peer("productpage-v1"), 200);
        var fromRatings = Record(snapshot, Peer("ratings-v1"), 200);
        var fromUnknown = Record(snapshot, null, 200);

        Assert.Equal(1, _metrics.Requests.Value(fromProductpage));
        Assert.Equal(1, _metrics.Requests.Value(fromRatings));
        Assert.Equal(1, _metrics.Requests.Value(fromUnknown));
        Assert.Contains("unknown", fromUnknown);
    }

    [Fact]
    public void Equal_labels_reached_through_different_objects_share_one_series()
    {
        var first = Record(NewSnapshot(), Peer("productpage-v1"), 200);
        var second = Record(NewSnapshot(), Peer("productpage-v1"), 200);

        Assert.Equal(first, second);
        Assert.Equal(2, _metrics.Requests.Value(first));
        Assert.Equal(2, _metrics.Duration.Count(first));
    }

    [Fact]
    public void Requests_on_an_older_snapshot_still_count_in_their_series()
    {
        var old = NewSnapshot();
        var current = NewSnapshot();
        var peer = Peer("productpage-v1");
        var labels = Record(old, peer, 200);
        Record(current, peer, 200);
        Record(old, peer, 200);

        Assert.Equal(3, _metrics.Requests.Value(labels));
    }
}
