using System.Threading.Channels;
using Envoy.Service.Discovery.V3;
using Grpc.Core;
using Grpc.Net.Client;

namespace Trellis.Xds.Tests.Support;

/// <summary>A hand-driven ADS stream whose responses are read in the background, so a test can also
/// assert that nothing arrives (cancelling MoveNext would cancel the whole call).</summary>
internal sealed class RawAdsCall<TRequest, TResponse> : IAsyncDisposable
    where TResponse : class
{
    private readonly GrpcChannel _channel;
    private readonly AsyncDuplexStreamingCall<TRequest, TResponse> _call;
    private readonly Channel<TResponse> _responses = Channel.CreateUnbounded<TResponse>();
    private readonly Task _pump;

    public RawAdsCall(Uri server, Func<AggregatedDiscoveryService.AggregatedDiscoveryServiceClient, AsyncDuplexStreamingCall<TRequest, TResponse>> open)
    {
        _channel = GrpcChannel.ForAddress(server);
        _call = open(new AggregatedDiscoveryService.AggregatedDiscoveryServiceClient(_channel));
        _pump = Task.Run(async () =>
        {
            try
            {
                await foreach (var response in _call.ResponseStream.ReadAllAsync()) _responses.Writer.TryWrite(response);
            }
            catch (RpcException)
            {
                // The call ended; readers see the channel complete.
            }
            finally
            {
                _responses.Writer.TryComplete();
            }
        });
    }

    public Task SendAsync(TRequest request) => _call.RequestStream.WriteAsync(request);

    public async Task<TResponse> NextAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        Assert.True(await _responses.Reader.WaitToReadAsync(timeout.Token), "stream ended early");
        return await _responses.Reader.ReadAsync(timeout.Token);
    }

    public async Task ExpectNothingAsync(TimeSpan window, string why)
    {
        await Task.Delay(window);
        Assert.False(_responses.Reader.TryRead(out var unexpected), $"{why}, yet got {unexpected}");
    }

    public async ValueTask DisposeAsync()
    {
        _call.Dispose();
        await _pump;
        _channel.Dispose();
    }
}

/// <summary>Raw state-of-the-world and incremental ADS calls.</summary>
internal static class RawAdsCall
{
    public static RawAdsCall<DiscoveryRequest, DiscoveryResponse> StateOfTheWorld(Uri server) => new(server, c => c.StreamAggregatedResources());

    public static RawAdsCall<DeltaDiscoveryRequest, DeltaDiscoveryResponse> Incremental(Uri server) => new(server, c => c.DeltaAggregatedResources());
}
