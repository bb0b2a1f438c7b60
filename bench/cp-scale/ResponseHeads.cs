using System.Buffers;
using System.Runtime.InteropServices;
using Envoy.Service.Discovery.V3;
using Google.Protobuf;
using Grpc.Core;

namespace Trellis.Bench.CpScale;

/// <summary>What a simulated sidecar reads of a DiscoveryResponse: its type, version and nonce, its size on the wire,
/// and the names it must subscribe to next.</summary>
internal sealed record ResponseHead(string TypeUrl, string VersionInfo, string Nonce, int Size, IReadOnlyDictionary<string, string[]> Dependents);

/// <summary>The ADS call as the simulated sidecars make it, reading each response's head only. Decoding every
/// resource of every response (24 GB in the no-Sidecar storm) made the harness use twice the control plane's CPU on the
/// same cores, so the control plane's figures were the harness's; a version's resources are decoded once, for the
/// names it calls for, when first seen.</summary>
internal sealed class ResponseHeads(SubscriptionNames names)
{
    // DiscoveryResponse's field numbers (envoy/service/discovery/v3/discovery.proto).
    private const int VersionInfoField = 1;
    private const int TypeUrlField = 4;
    private const int NonceField = 5;

    public Method<DiscoveryRequest, ResponseHead> StreamAggregatedResources { get; } = new(
        MethodType.DuplexStreaming,
        AggregatedDiscoveryService.Descriptor.FullName,
        "StreamAggregatedResources",
        Marshallers.Create(request => request.ToByteArray(), DiscoveryRequest.Parser.ParseFrom),
        Marshallers.Create<ResponseHead>((_, _) => throw new NotSupportedException("the harness only reads responses"), context => Read(names, context)));

    private static ResponseHead Read(SubscriptionNames names, DeserializationContext context)
    {
        var payload = context.PayloadAsReadOnlySequence();
        var bytes = payload.IsSingleSegment && MemoryMarshal.TryGetArray(payload.First, out var segment)
            ? segment
            : new ArraySegment<byte>(payload.ToArray());
        var input = new CodedInputStream(bytes.Array!, bytes.Offset, bytes.Count);
        string version = "", type = "", nonce = "";
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case VersionInfoField: version = input.ReadString(); break;
                case TypeUrlField: type = input.ReadString(); break;
                case NonceField: nonce = input.ReadString(); break;
                default: input.SkipLastField(); break;
            }
        }
        var dependents = names.Of(type, version, () => DiscoveryResponse.Parser.ParseFrom(bytes.Array, bytes.Offset, bytes.Count));
        return new ResponseHead(type, version, nonce, bytes.Count, dependents);
    }
}
