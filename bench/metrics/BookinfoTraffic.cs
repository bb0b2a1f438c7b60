using Envoy.Config.Core.V3;
using Microsoft.AspNetCore.Http;
using Trellis.Proxy;
using Trellis.Proxy.Bootstrap;
using Trellis.Proxy.Completion;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Forwarding;
using Trellis.Proxy.Listeners;
using Trellis.Proxy.Listeners.FilterChains;
using Trellis.Proxy.Listeners.ListenerFilters;
using Trellis.Proxy.Listeners.TransportSockets;
using Trellis.Proxy.Telemetry;

namespace Trellis.Bench.Metrics;

/// <summary>The requests the benchmarks record: what reviews-v1's sidecar sees on its inbound listener, built into
/// completion records the way the proxy builds them (a request context, then <see cref="CompletionRecord.ForRequest"/>),
/// from callers over mutual TLS with a mix of outcomes, one distinct Istio label set per record.</summary>
internal static class BookinfoTraffic
{
    public static readonly OwnIdentity ReviewsV1 = OwnIdentity.From(new ProxyOptions("sidecar~10.1.0.7~reviews-v1-0.bookinfo~bookinfo.svc.cluster.local",
        new Uri("http://127.0.0.1:1"), 0, "bookinfo", "reviews-v1-0", "reviews-v1", "bookinfo-reviews",
        new Dictionary<string, string> { ["app"] = "reviews", ["version"] = "v1" }, new Dictionary<string, string>()));

    private static readonly string[] Callers = ["productpage-v1", "istio-ingressgateway", "reviews-v2", "reviews-v3", "productpage-v2"];

    private static readonly (int Status, string Flag)[] Outcomes =
        [(200, ResponseFlags.None), (404, ResponseFlags.None), (503, ResponseFlags.NoHealthyUpstream), (500, ResponseFlags.None)];

    /// <summary>Records with <paramref name="count"/> distinct label sets (callers times outcomes), with durations and
    /// body sizes spread over Istio's buckets.</summary>
    public static CompletionRecord[] Records(int count)
    {
        var hcm = new HttpConnectionManagerModel("inbound_0.0.0.0_9080", "inbound", null, [], true);
        var listener = new ListenerModel("virtualInbound", "0.0.0.0", 15006, TrafficDirection.Inbound,
            new FilterChainManager([new FilterChainModel("filter_chains[0]", FilterChainMatchModel.Any, PlaintextTransportSocket.Instance, hcm)], null),
            ListenerFilterSet.None);
        var snapshot = ProxySnapshot.Empty;
        var peers = new Dictionary<int, PeerIdentity>();
        return Enumerable.Range(0, count).Select(i =>
        {
            var caller = i / Outcomes.Length;
            var workload = caller < Callers.Length ? Callers[caller] : $"{Callers[caller % Callers.Length]}-{caller / Callers.Length}";
            // One instance per caller, as the peer metadata cache hands out: the series key compares peers by identity.
            if (!peers.TryGetValue(caller, out var peer))
                peers[caller] = peer = PeerIdentity.FromLabels(workload, "bookinfo", $"bookinfo-{workload}",
                    new Dictionary<string, string> { ["app"] = workload.Split('-')[0], ["version"] = "v1" });
            var (status, flag) = Outcomes[i % Outcomes.Length];
            var http = new DefaultHttpContext();
            http.Request.Method = "GET";
            http.Request.Host = new HostString("reviews:9080");
            http.Request.Path = "/reviews/0";
            http.Response.StatusCode = status;
            var context = new RequestContext(http, snapshot, listener, listener.FilterChains.Chains[0]) { Peer = peer, ResponseFlag = flag };
            return CompletionRecord.ForRequest(context, details: false) with
            {
                Duration = TimeSpan.FromMilliseconds(0.8 + i * 37 % 300),
                BytesReceived = i % 3 == 0 ? 512 : 0,
                BytesSent = 180 + i * 211 % 6000,
                DownstreamMutualTls = true,
                DownstreamPeerUriSan = peer.Principal,
            };
        }).ToArray();
    }

    /// <summary>A fixed pseudo-random order over the records, so that consecutive requests do not walk the label sets in
    /// a pattern the branch predictor and caches learn.</summary>
    public static int[] Order(int count)
    {
        var random = new Random(9);
        return Enumerable.Range(0, OrderLength).Select(_ => random.Next(count)).ToArray();
    }

    /// <summary>A power of two, so a request counter masks into <see cref="Order"/>.</summary>
    public const int OrderLength = 4096;
}
