using Envoy.Config.Core.V3;
using Envoy.Service.Discovery.V3;
using Trellis.Xds.Tests.Support;

namespace Trellis.Xds.Tests;

/// <summary>The server trusts only requests that answer its latest response on a type.</summary>
public sealed class AdsServerNonceTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(400);

    [Fact]
    public async Task Nack_is_recorded_without_a_resend_and_stale_nonces_are_ignored()
    {
        const string node = "raw~nonce";
        await using var server = await XdsTestServer.StartAsync(_ => Resources.Mesh("1"));
        await using var call = RawAdsCall.StateOfTheWorld(server.Address);

        await call.SendAsync(new DiscoveryRequest { Node = new Node { Id = node }, TypeUrl = TypeUrls.Listener });
        var v1 = await call.NextAsync();
        Assert.Equal("1", v1.VersionInfo);

        await call.SendAsync(new DiscoveryRequest
        {
            TypeUrl = TypeUrls.Listener, ResponseNonce = v1.Nonce,
            ErrorDetail = new Google.Rpc.Status { Code = 3, Message = "listener l1: no filter chain matches" },
        });
        await call.ExpectNothingAsync(Quiet, "a NACKed version must not be sent again");
        var nacked = server.Registry.Status(node, TypeUrls.Listener)!;
        Assert.Equal(("1", "listener l1: no filter chain matches"), (nacked.NackedVersion, nacked.NackError));
        Assert.Null(nacked.AckedVersion);

        server.Cache.SetSnapshot(node, Resources.Mesh("2"));
        var v2 = await call.NextAsync();
        Assert.Equal((TypeUrls.Listener, "2"), (v2.TypeUrl, v2.VersionInfo));
        Assert.NotEqual(v1.Nonce, v2.Nonce);

        // An ACK of the superseded response, even one that changes the subscription, is stale.
        await call.SendAsync(new DiscoveryRequest { TypeUrl = TypeUrls.Listener, VersionInfo = "1", ResponseNonce = v1.Nonce, ResourceNames = { "l1" } });
        await call.ExpectNothingAsync(Quiet, "a stale nonce must be ignored");
        Assert.Null(server.Registry.Status(node, TypeUrls.Listener)!.AckedVersion);

        await call.SendAsync(new DiscoveryRequest { TypeUrl = TypeUrls.Listener, VersionInfo = "2", ResponseNonce = v2.Nonce });
        await Eventually.HoldsAsync(() => server.Registry.Status(node, TypeUrls.Listener)?.AckedVersion == "2", "the ACK of version 2");
        await call.ExpectNothingAsync(Quiet, "an ACK of the current version needs no answer");
    }

    [Fact]
    public async Task Listeners_subscribed_by_name_as_grpc_clients_do_get_only_those()
    {
        await using var server = await XdsTestServer.StartAsync(_ => Resources.Snapshot("1",
            Resources.ApiListener("reviews:9080", "r"), Resources.ApiListener("ratings:9080", "r"), Resources.ApiListener("details:9080", "r")));
        await using var call = RawAdsCall.StateOfTheWorld(server.Address);

        await call.SendAsync(new DiscoveryRequest { Node = new Node { Id = "grpc~1" }, TypeUrl = TypeUrls.Listener, ResourceNames = { "reviews:9080" } });
        var first = await call.NextAsync();
        Assert.Equal(["reviews:9080"], first.Resources.Select(a => a.Unpack<Envoy.Config.Listener.V3.Listener>().Name));

        await call.SendAsync(new DiscoveryRequest
        {
            TypeUrl = TypeUrls.Listener, VersionInfo = "1", ResponseNonce = first.Nonce, ResourceNames = { "reviews:9080", "ratings:9080", "absent:1" },
        });
        var widened = await call.NextAsync();
        Assert.Equal(["ratings:9080", "reviews:9080"], widened.Resources.Select(a => a.Unpack<Envoy.Config.Listener.V3.Listener>().Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_nonce_from_an_earlier_stream_is_answered_as_a_first_request()
    {
        await using var server = await XdsTestServer.StartAsync(_ => Resources.Mesh("1"));
        await using var call = RawAdsCall.StateOfTheWorld(server.Address);

        await call.SendAsync(new DiscoveryRequest
        {
            Node = new Node { Id = "raw~reconnected" }, TypeUrl = TypeUrls.Cluster, VersionInfo = "0", ResponseNonce = "issued-by-the-last-stream",
        });

        var response = await call.NextAsync();
        Assert.Equal((TypeUrls.Cluster, "1", 2), (response.TypeUrl, response.VersionInfo, response.Resources.Count));
        Assert.Null(server.Registry.Status("raw~reconnected", TypeUrls.Cluster)?.AckedVersion);
    }
}
