using System.Buffers;
using Envoy.Config.Cluster.V3;
using Envoy.Service.Discovery.V3;
using Google.Protobuf;
using Grpc.Core;
using Trellis.Xds.Server;

namespace Trellis.Xds.Tests;

/// <summary>ADS responses are written into the stream in large blocks, and read back as the generated code would.</summary>
public sealed class AdsMethodProviderTests
{
    /// <summary>Records what the marshaller asks of the stream's buffer.</summary>
    private sealed class RecordingContext : SerializationContext, IBufferWriter<byte>
    {
        private readonly ArrayBufferWriter<byte> written = new();

        public List<int> SizeHints { get; } = [];
        public int? PayloadLength { get; private set; }
        public bool Completed { get; private set; }
        public ReadOnlyMemory<byte> Written => written.WrittenMemory;

        public override void SetPayloadLength(int payloadLength) => PayloadLength = payloadLength;
        public override IBufferWriter<byte> GetBufferWriter() => this;
        public override void Complete() => Completed = true;
        public void Advance(int count) => written.Advance(count);

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            SizeHints.Add(sizeHint);
            return written.GetMemory(Math.Min(sizeHint, 4096));
        }

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
    }

    private sealed class PayloadContext(byte[] payload) : DeserializationContext
    {
        public override int PayloadLength => payload.Length;
        public override ReadOnlySequence<byte> PayloadAsReadOnlySequence() => new(payload);
    }

    [Fact]
    public void A_large_response_is_asked_for_in_blocks_of_at_least_64_KB()
    {
        var response = new DiscoveryResponse { VersionInfo = "1", TypeUrl = TypeUrls.Cluster };
        for (var i = 0; i < 2000; i++)
            response.Resources.Add(XdsAny.Pack(new Cluster { Name = $"outbound|9080||reviews-{i}.default.svc.cluster.local" }));
        var context = new RecordingContext();

        AdsMethodProvider.MarshallerOf(DiscoveryResponse.Parser).ContextualSerializer(response, context);

        Assert.True(context.Completed);
        Assert.Equal(response.CalculateSize(), context.PayloadLength);
        Assert.NotEmpty(context.SizeHints);
        Assert.All(context.SizeHints, hint => Assert.True(hint >= 64 * 1024, $"asked for {hint} bytes"));
        Assert.Equal(response, DiscoveryResponse.Parser.ParseFrom(context.Written.Span));
    }

    [Fact]
    public void Requests_are_parsed_from_the_payload()
    {
        var request = new DiscoveryRequest { TypeUrl = TypeUrls.Cluster, ResourceNames = { "a", "b" }, ResponseNonce = "7" };

        var parsed = AdsMethodProvider.MarshallerOf(DiscoveryRequest.Parser)
            .ContextualDeserializer(new PayloadContext(request.ToByteArray()));

        Assert.Equal(request, parsed);
    }
}
