using Envoy.Config.Core.V3;
using Envoy.Service.Discovery.V3;
using Grpc.Core;
using Grpc.Net.Client;
using Trellis.Xds.Server;
using Trellis.Xds.Tests.Support;

namespace Trellis.Xds.Tests;

/// <summary>A client cannot make a stream hold more than its bounds: too large a request, or more names than a stream
/// may subscribe to, ends the stream with RESOURCE_EXHAUSTED.</summary>
public sealed class XdsLimitsTests
{
    private static IEnumerable<string> Distinct(int from, int count) =>
        Enumerable.Range(from, count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static async Task<RpcException> EndsAsync<T>(IAsyncStreamReader<T> responses)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await responses.MoveNext(timeout.Token))
            {
            }
        });
    }

    [Fact]
    public async Task A_request_larger_than_istiods_bound_is_refused()
    {
        await using var server = await XdsTestServer.StartAsync(_ => Resources.Mesh("1"));
        using var channel = GrpcChannel.ForAddress(server.Address);
        using var call = new AggregatedDiscoveryService.AggregatedDiscoveryServiceClient(channel).StreamAggregatedResources();

        // The server refuses the message while the client still uploads it, so the client may see its stream reset
        // (CANCELLED), even while it writes, rather than the RESOURCE_EXHAUSTED status: either way nothing is served.
        try
        {
            await call.RequestStream.WriteAsync(new DiscoveryRequest
            {
                Node = new Node { Id = "limits~large" }, TypeUrl = TypeUrls.Cluster, ResourceNames = { new string('x', XdsLimits.MaxRequestBytes) },
            });
        }
        catch (RpcException)
        {
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(timeout.Token));
        Assert.False(timeout.IsCancellationRequested, "the server must end the stream, not leave it waiting");
        Assert.Contains(error.StatusCode, new[] { StatusCode.ResourceExhausted, StatusCode.Cancelled });
    }

    [Fact]
    public async Task A_state_of_the_world_request_naming_too_many_resources_is_refused()
    {
        await using var server = await XdsTestServer.StartAsync(_ => Resources.Mesh("1"));
        using var channel = GrpcChannel.ForAddress(server.Address);
        using var call = new AggregatedDiscoveryService.AggregatedDiscoveryServiceClient(channel).StreamAggregatedResources();

        await call.RequestStream.WriteAsync(new DiscoveryRequest
        {
            Node = new Node { Id = "limits~sotw" }, TypeUrl = TypeUrls.ClusterLoadAssignment, ResourceNames = { Distinct(0, XdsLimits.MaxNamesPerType + 1) },
        });

        var error = await EndsAsync(call.ResponseStream);
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("100001 EDS names", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Incremental_subscriptions_that_add_up_to_too_many_names_are_refused()
    {
        await using var server = await XdsTestServer.StartAsync(_ => Resources.Mesh("1"));
        using var channel = GrpcChannel.ForAddress(server.Address);
        using var call = new AggregatedDiscoveryService.AggregatedDiscoveryServiceClient(channel).DeltaAggregatedResources();

        const int perRequest = 40_000;
        for (var i = 0; i * perRequest <= XdsLimits.MaxNamesPerType; i++)
        {
            var request = new DeltaDiscoveryRequest { TypeUrl = TypeUrls.ClusterLoadAssignment, ResourceNamesSubscribe = { Distinct(i * perRequest, perRequest) } };
            if (i == 0) request.Node = new Node { Id = "limits~delta" };
            await call.RequestStream.WriteAsync(request);
        }

        var error = await EndsAsync(call.ResponseStream);
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("120000 EDS names", error.Status.Detail, StringComparison.Ordinal);
    }
}
