using Envoy.Service.Discovery.V3;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Trellis.Xds.Server;

/// <summary>Envoy's ADS over gRPC, state of the world or incremental as each client chooses, serving each node its
/// snapshot from the cache; <see cref="AdsMethodProvider"/> binds it.</summary>
internal sealed class AggregatedDiscoveryServiceImpl(
    XdsSnapshotCache cache,
    XdsConnectionRegistry registry,
    IEnumerable<IXdsNodeObserver> observers,
    IEnumerable<IXdsClientAuthenticator> authenticators,
    XdsSendGate gate,
    ILogger<AggregatedDiscoveryServiceImpl> logger)
{
    /// <summary>Serves one state-of-the-world stream.</summary>
    public Task StreamAggregatedResources(
        IAsyncStreamReader<DiscoveryRequest> requestStream,
        IServerStreamWriter<DiscoveryResponse> responseStream,
        ServerCallContext context) =>
        new AdsStream(requestStream, responseStream, cache, registry, observers.FirstOrDefault(), authenticators.FirstOrDefault(), gate, context, logger).RunAsync(context.CancellationToken);

    /// <summary>Serves one incremental stream.</summary>
    public Task DeltaAggregatedResources(
        IAsyncStreamReader<DeltaDiscoveryRequest> requestStream,
        IServerStreamWriter<DeltaDiscoveryResponse> responseStream,
        ServerCallContext context) =>
        new DeltaAdsStream(requestStream, responseStream, cache, registry, observers.FirstOrDefault(), authenticators.FirstOrDefault(), gate, context, logger).RunAsync(context.CancellationToken);
}
