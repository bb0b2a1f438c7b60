using System.Buffers;
using Envoy.Service.Discovery.V3;
using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace Trellis.Xds.Server;

/// <summary>Binds ADS's two streams with marshallers that write each response into the stream in 64 KB blocks.</summary>
/// <remarks>The generated marshaller lets Protobuf ask Kestrel's pipe for 4 KB at a time. A response of a large
/// mesh is around a megabyte, and a pipe keeps as many segments as its largest write took: at 2000 proxies, 64 MB of
/// segment objects (bench/cp-scale). 64 KB blocks come from the shared array pool and stay below the large object
/// heap; asking for the whole response at once put a megabyte array per write there instead.</remarks>
internal sealed class AdsMethodProvider : IServiceMethodProvider<AggregatedDiscoveryServiceImpl>
{
    private static readonly Method<DiscoveryRequest, DiscoveryResponse> StateOfTheWorld =
        Duplex(nameof(AggregatedDiscoveryServiceImpl.StreamAggregatedResources), DiscoveryRequest.Parser, DiscoveryResponse.Parser);

    private static readonly Method<DeltaDiscoveryRequest, DeltaDiscoveryResponse> Incremental =
        Duplex(nameof(AggregatedDiscoveryServiceImpl.DeltaAggregatedResources), DeltaDiscoveryRequest.Parser, DeltaDiscoveryResponse.Parser);

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<AggregatedDiscoveryServiceImpl> context)
    {
        context.AddDuplexStreamingMethod(StateOfTheWorld, [],
            (service, requests, responses, call) => service.StreamAggregatedResources(requests, responses, call));
        context.AddDuplexStreamingMethod(Incremental, [],
            (service, requests, responses, call) => service.DeltaAggregatedResources(requests, responses, call));
    }

    private static Method<TRequest, TResponse> Duplex<TRequest, TResponse>(
        string name, MessageParser<TRequest> requests, MessageParser<TResponse> responses)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        new(MethodType.DuplexStreaming, AggregatedDiscoveryService.Descriptor.FullName, name,
            MarshallerOf(requests), MarshallerOf(responses));

    internal static Marshaller<T> MarshallerOf<T>(MessageParser<T> parser) where T : class, IMessage<T> =>
        Marshallers.Create<T>(WholeMessage, context => parser.ParseFrom(context.PayloadAsReadOnlySequence()));

    private static void WholeMessage<T>(T message, SerializationContext context) where T : IMessage<T>
    {
        context.SetPayloadLength(message.CalculateSize());
        message.WriteTo(new LargeBlocks(context.GetBufferWriter()));
        context.Complete();
    }

    private sealed class LargeBlocks(IBufferWriter<byte> inner) : IBufferWriter<byte>
    {
        private const int BlockBytes = 64 * 1024;

        public void Advance(int count) => inner.Advance(count);

        public Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(Math.Max(sizeHint, BlockBytes));

        public Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(Math.Max(sizeHint, BlockBytes));
    }
}
