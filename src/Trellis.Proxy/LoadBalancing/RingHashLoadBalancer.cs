using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Microsoft.AspNetCore.Http;
using Trellis.Proxy.Clusters;

namespace Trellis.Proxy.LoadBalancing;

/// <summary>Envoy's RING_HASH: a ketama ring of xxHash64 points, a request going to the first point at or after its hash.</summary>
internal sealed class RingHashLoadBalancer : ILoadBalancer
{
    // Parallel arrays rather than an array of pairs: the binary search then walks 8-byte hashes only.
    private readonly ulong[] _hashes;
    private readonly EndpointModel[] _owners;

    public RingHashLoadBalancer(IReadOnlyList<EndpointModel> healthy, ulong minimumRingSize, ulong maximumRingSize)
    {
        // Envoy walks the hosts in EDS order, and the fractional carry below hands the odd extra point to
        // whichever host comes first; sorting by key makes every sidecar build the same ring.
        var hosts = healthy.OrderBy(HashKey, StringComparer.Ordinal).ToArray();
        if (hosts.Length == 0)
        {
            _hashes = [];
            _owners = [];
            return;
        }

        var total = 0.0;
        foreach (var host in hosts) total += Weight(host);
        var minWeight = hosts.Min(h => Weight(h) / total);
        // Enough points that the lightest host gets a whole number of them, capped at the maximum.
        var scale = Math.Min(Math.Ceiling(minWeight * minimumRingSize) / minWeight, maximumRingSize);

        var ring = new List<(ulong Hash, int Host)>((int)Math.Min(Math.Ceiling(scale), Array.MaxLength));
        var buffer = new byte[64];
        var current = 0.0;
        var target = 0.0;
        for (var h = 0; h < hosts.Length; h++)
        {
            var key = HashKey(hosts[h]);
            var needed = Encoding.UTF8.GetByteCount(key) + 1 + 20;
            if (buffer.Length < needed) buffer = new byte[needed];
            var prefix = Encoding.UTF8.GetBytes(key, buffer);
            buffer[prefix++] = (byte)'_';

            // Running sums rather than per-host rounding, so the ring totals ~scale points however the
            // weights divide; the count check only guards against floating-point drift past the maximum.
            target += scale * (Weight(hosts[h]) / total);
            for (ulong i = 0; current < target && (ulong)ring.Count < maximumRingSize; i++, current++)
            {
                i.TryFormat(buffer.AsSpan(prefix), out var digits, default, CultureInfo.InvariantCulture);
                ring.Add((XxHash64.HashToUInt64(buffer.AsSpan(0, prefix + digits)), h));
            }
        }

        // Ties (same hash) go to the host with the smaller key, again independent of EDS order.
        ring.Sort();
        _hashes = new ulong[ring.Count];
        _owners = new EndpointModel[ring.Count];
        for (var i = 0; i < ring.Count; i++)
        {
            _hashes[i] = ring[i].Hash;
            _owners[i] = hosts[ring[i].Host];
        }
    }

    /// <summary>Points on the ring.</summary>
    internal int RingSize => _hashes.Length;

    public EndpointModel? Pick(HttpContext context, ulong? hash)
    {
        if (_hashes.Length == 0) return null;
        // Envoy falls back to a random point when the route's hash policies produced no hash.
        var h = hash ?? RandomHash();
        var low = 0;
        var high = _hashes.Length;
        while (low < high)
        {
            var mid = (int)((uint)(low + high) >> 1);
            if (_hashes[mid] < h) low = mid + 1;
            else high = mid;
        }
        return _owners[low == _hashes.Length ? 0 : low];
    }

    /// <summary>What Envoy hashes for a host: its address string ("host:port", IPv6 bracketed), or the
    /// internal listener's name.</summary>
    internal static string HashKey(EndpointModel endpoint) => endpoint.InternalListener ?? endpoint.Authority;

    /// <summary>EDS weight, with 0 (unset) meaning 1 as in Envoy.</summary>
    internal static double Weight(EndpointModel endpoint) => Math.Max(endpoint.Weight, 1u);

    internal static ulong RandomHash() => (ulong)Random.Shared.NextInt64(long.MinValue, long.MaxValue);
}
