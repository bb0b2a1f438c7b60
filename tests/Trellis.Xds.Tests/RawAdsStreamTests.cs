using Envoy.Config.Core.V3;
using Envoy.Service.Discovery.V3;
using Grpc.Core;
using Grpc.Net.Client;
using Trellis.Xds.Tests.Support;

namespace Trellis.Xds.Tests;

/// <summary>The server's side of the protocol, driven request by request with the generated gRPC stub.</summary>
public sealed class RawAdsStreamTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task First_request_without_node_id_is_rejected()
    {
        await using var server = await XdsTestServer.StartAsync(_ => Resources.Mesh("1"));
        using var channel = GrpcChannel.ForAddress(server.Address);
        using var call = new AggregatedDiscoveryService.AggregatedDiscoveryServiceClient(channel).StreamAggregatedResources();
        using var timeout = new CancellationTokenSource(Patience);

        await call.RequestStream.WriteAsync(new DiscoveryRequest { TypeUrl = TypeUrls.Cluster, Node = new Node { Cluster = "no-id" } });
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(timeout.Token));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("node.id", error.Status.Detail, StringComparison.Ordinal);
        Assert.Empty(server.Registry.Snapshot());
    }

    [Fact]
    public async Task Routes_and_endpoints_are_filtered_to_the_names_subscribed_while_listeners_and_clusters_are_wildcard()
    {
        await using var server = await XdsTestServer.StartAsync(_ => Resources.Mesh("1"));
        using var channel = GrpcChannel.ForAddress(server.Address);
        using var call = new AggregatedDiscoveryService.AggregatedDiscoveryServiceClient(channel).StreamAggregatedResources();

        await call.RequestStream.WriteAsync(new DiscoveryRequest { Node = new Node { Id = "raw~1" }, TypeUrl = TypeUrls.Cluster });
        var clusters = await NextAsync(call);
        Assert.Equal((TypeUrls.Cluster, "1"), (clusters.TypeUrl, clusters.VersionInfo));
        Assert.Equal(["c1", "c2"], Names(clusters));

        await call.RequestStream.WriteAsync(new DiscoveryRequest { TypeUrl = TypeUrls.ClusterLoadAssignment, ResourceNames = { "c1" } });
        var endpoints = await NextAsync(call);
        Assert.Equal(["c1"], Names(endpoints));

        await call.RequestStream.WriteAsync(new DiscoveryRequest
        {
            TypeUrl = TypeUrls.ClusterLoadAssignment, ResourceNames = { "c3", "c1", "missing" }, ResponseNonce = endpoints.Nonce, VersionInfo = "1",
        });
        var widened = await NextAsync(call);
        Assert.Equal("1", widened.VersionInfo);
        Assert.Equal(["c1", "c3"], Names(widened));

        await call.RequestStream.WriteAsync(new DiscoveryRequest { TypeUrl = TypeUrls.RouteConfiguration, ResourceNames = { "r2" } });
        var routes = await NextAsync(call);
        Assert.Equal((TypeUrls.RouteConfiguration, "1"), (routes.TypeUrl, routes.VersionInfo));
        Assert.Equal(["r2"], Names(routes));
        Assert.All(routes.Resources, r => Assert.Equal(TypeUrls.RouteConfiguration, r.TypeUrl));
    }

    [Fact]
    public async Task Ack_with_the_current_nonce_is_recorded_and_gets_no_resend()
    {
        await using var server = await XdsTestServer.StartAsync(_ => Resources.Mesh("1"));
        using var channel = GrpcChannel.ForAddress(server.Address);
        using var call = new AggregatedDiscoveryService.AggregatedDiscoveryServiceClient(channel).StreamAggregatedResources();

        await call.RequestStream.WriteAsync(new DiscoveryRequest { Node = new Node { Id = "raw~2" }, TypeUrl = TypeUrls.Listener });
        var listeners = await NextAsync(call);
        await call.RequestStream.WriteAsync(new DiscoveryRequest { TypeUrl = TypeUrls.Listener, VersionInfo = "1", ResponseNonce = listeners.Nonce });
        await Eventually.HoldsAsync(() => server.Registry.Status("raw~2", TypeUrls.Listener)?.AckedVersion == "1", "LDS ack recorded");

        using var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var next = call.ResponseStream.MoveNext(quiet.Token);
        await Assert.ThrowsAnyAsync<Exception>(() => next);
        Assert.True(quiet.IsCancellationRequested, "no response may follow an ACK of the current version");
    }

    private static async Task<DiscoveryResponse> NextAsync(AsyncDuplexStreamingCall<DiscoveryRequest, DiscoveryResponse> call)
    {
        using var timeout = new CancellationTokenSource(Patience);
        Assert.True(await call.ResponseStream.MoveNext(timeout.Token), "stream ended early");
        return call.ResponseStream.Current;
    }

    private static List<string> Names(DiscoveryResponse response) =>
        response.Resources.Select(a => TypeUrls.NameOf(TypeUrls.ParserFor(a.TypeUrl)!.ParseFrom(a.Value))).ToList();
}
