using System.Collections.Concurrent;
using Trellis.Xds;

namespace Trellis.Bench.CpScale;

/// <summary>What the control plane pushed to all simulated proxies, by resource type: responses and their protobuf
/// bytes (the DiscoveryResponse as serialized, without gRPC and HTTP/2 framing).</summary>
internal sealed class PushedBytes
{
    private readonly ConcurrentDictionary<string, Counter> _byType = new(StringComparer.Ordinal);

    public void Add(string typeUrl, int bytes)
    {
        var counter = _byType.GetOrAdd(typeUrl, _ => new Counter());
        Interlocked.Add(ref counter.Bytes, bytes);
        Interlocked.Increment(ref counter.Responses);
    }

    public PushedSoFar Read() => new(_byType.ToDictionary(kv => TypeUrls.ShortName(kv.Key), kv => Interlocked.Read(ref kv.Value.Bytes), StringComparer.Ordinal),
        _byType.Values.Sum(c => Interlocked.Read(ref c.Responses)));

    private sealed class Counter
    {
        public long Bytes;
        public long Responses;
    }
}

/// <summary>Totals at one moment: bytes by short type name (LDS, CDS, ...) and all responses.</summary>
internal sealed record PushedSoFar(IReadOnlyDictionary<string, long> BytesByType, long Responses)
{
    public long Bytes => BytesByType.Values.Sum();

    public PushedSoFar Since(PushedSoFar earlier) => new(
        BytesByType.ToDictionary(kv => kv.Key, kv => kv.Value - earlier.BytesByType.GetValueOrDefault(kv.Key), StringComparer.Ordinal),
        Responses - earlier.Responses);
}
