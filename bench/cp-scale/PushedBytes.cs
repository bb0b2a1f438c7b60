namespace Trellis.Bench.CpScale;

/// <summary>What the control plane pushed to all simulated proxies: responses and their protobuf bytes (the
/// DiscoveryResponse as serialized, without gRPC and HTTP/2 framing).</summary>
internal sealed class PushedBytes
{
    private long _bytes;
    private long _responses;

    public void Add(int bytes)
    {
        Interlocked.Add(ref _bytes, bytes);
        Interlocked.Increment(ref _responses);
    }

    public (long Bytes, long Responses) Read() => (Interlocked.Read(ref _bytes), Interlocked.Read(ref _responses));
}
