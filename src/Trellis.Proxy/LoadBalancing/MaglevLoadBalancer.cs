using System.IO.Hashing;
using System.Text;
using Microsoft.AspNetCore.Http;
using Trellis.Proxy.Clusters;

namespace Trellis.Proxy.LoadBalancing;

/// <summary>Envoy's MAGLEV: a prime-sized lookup table filled from each host's permutation, a request going to slot hash mod size.</summary>
internal sealed class MaglevLoadBalancer : ILoadBalancer
{
    private readonly EndpointModel[] _hosts;
    // Indices into _hosts rather than references: half the memory for tables of up to millions of slots.
    private readonly int[] _table;

    public MaglevLoadBalancer(IReadOnlyList<EndpointModel> healthy, ulong tableSize)
    {
        // Hosts claim slots in turn, so their order decides the table; sorting by key (as Envoy does)
        // keeps it independent of EDS order.
        _hosts = healthy.OrderBy(RingHashLoadBalancer.HashKey, StringComparer.Ordinal).ToArray();
        if (_hosts.Length == 0)
        {
            _table = [];
            return;
        }

        var n = _hosts.Length;
        var size = tableSize;
        var offset = new ulong[n];
        var skip = new ulong[n];
        var next = new ulong[n];
        var weight = new double[n];
        var targetWeight = new double[n];
        var total = 0.0;
        foreach (var host in _hosts) total += RingHashLoadBalancer.Weight(host);
        for (var i = 0; i < n; i++)
        {
            var key = Encoding.UTF8.GetBytes(RingHashLoadBalancer.HashKey(_hosts[i]));
            offset[i] = XxHash64.HashToUInt64(key) % size;
            skip[i] = XxHash64.HashToUInt64(key, 1) % (size - 1) + 1;
            weight[i] = RingHashLoadBalancer.Weight(_hosts[i]) / total;
        }
        var maxWeight = weight.Max();

        _table = new int[checked((int)size)];
        Array.Fill(_table, -1);
        var filled = 0UL;
        for (uint iteration = 1; filled < size; iteration++)
        {
            for (var i = 0; i < n && filled < size; i++)
            {
                // A host of the largest weight claims a slot every round; one of a third of it every third round.
                if (iteration * weight[i] < targetWeight[i]) continue;
                targetWeight[i] += maxWeight;
                var slot = (offset[i] + skip[i] * next[i]) % size;
                while (_table[slot] >= 0)
                {
                    next[i]++;
                    slot = (offset[i] + skip[i] * next[i]) % size;
                }
                _table[slot] = i;
                next[i]++;
                filled++;
            }
        }
    }

    /// <summary>Slots in the lookup table (0 without endpoints).</summary>
    internal int TableSize => _table.Length;

    public EndpointModel? Pick(HttpContext context, ulong? hash)
    {
        if (_table.Length == 0) return null;
        // Envoy falls back to a random slot when the route's hash policies produced no hash.
        var h = hash ?? RingHashLoadBalancer.RandomHash();
        return _hosts[_table[h % (ulong)_table.Length]];
    }
}
