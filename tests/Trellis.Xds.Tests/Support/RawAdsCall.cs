using System.Threading.Channels;
using Envoy.Service.Discovery.V3;
using Grpc.Core;
using Grpc.Net.Client;

namespace Trellis.Xds.Tests.Support;

/// <summary>A hand-driven ADS stream whose responses are read in the background, so a test can also
/// assert that nothing arrives (cancelling MoveNext would cancel the whole call).</summary>
internal sealed class RawAdsCall : IAsyncDisposable
{
    private readonly GrpcChannel _channel;
    private readonly AsyncDuplexStreamingCall<DiscoveryRequest, DiscoveryResponse> _call;
    private readonly Channel<DiscoveryResponse> _responses = Channel.CreateUnbounded<DiscoveryResponse>();
    private readonly Task _pump;

    public RawAdsCall(Uri server)
    {
        _channel = GrpcChannel.ForAddress(server);
        _call = new AggregatedDiscoveryService.AggregatedDiscoveryServiceClient(_channel).StreamAggregatedResources();
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

    public Task SendAsync(DiscoveryRequest request) => _call.RequestStream.WriteAsync(request);

    public async Task<DiscoveryResponse> NextAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        Assert.True(await _responses.Reader.WaitToReadAsync(timeout.Token), "stream ended early");
        return await _responses.Reader.ReadAsync(timeout.Token);
    }

    public async Task ExpectNothingAsync(TimeSpan window, string why)
    {
        await Task.Delay(window);
        Assert.False(_responses.Reader.TryRead(out var unexpected), $"{why}, yet got {unexpected?.TypeUrl} version {unexpected?.VersionInfo}");
    }

    public async ValueTask DisposeAsync()
    {
        _call.Dispose();
        await _pump;
        _channel.Dispose();
    }
}
