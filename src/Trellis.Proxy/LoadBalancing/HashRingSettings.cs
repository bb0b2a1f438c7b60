using Envoy.Config.Cluster.V3;
using Trellis.Proxy.Configuration;

namespace Trellis.Proxy.LoadBalancing;

/// <summary>A cluster's ring_hash_lb_config and maglev_lb_config, with Envoy's defaults and limits.</summary>
internal sealed record HashRingSettings(ulong MinimumRingSize, ulong MaximumRingSize, ulong MaglevTableSize)
{
    private const ulong RingLimit = 8 * 1024 * 1024;
    private const ulong TableLimit = 5_000_011;

    public static readonly HashRingSettings Default = new(1024, RingLimit, 65537);

    /// <summary>Reads the settings, refusing what Envoy refuses: ring sizes beyond 8M or out of order,
    /// and Maglev tables that are not a prime up to 5,000,011.</summary>
    public static HashRingSettings From(Cluster c, string where)
    {
        var ring = c.RingHashLbConfig;
        var min = ring?.MinimumRingSize ?? Default.MinimumRingSize;
        var max = ring?.MaximumRingSize ?? Default.MaximumRingSize;
        if (min > RingLimit) throw new ConfigException($"{where}: ring_hash_lb_config.minimum_ring_size {min} is above the limit of {RingLimit}");
        if (max > RingLimit) throw new ConfigException($"{where}: ring_hash_lb_config.maximum_ring_size {max} is above the limit of {RingLimit}");
        if (min > max) throw new ConfigException($"{where}: ring_hash_lb_config.minimum_ring_size {min} is greater than maximum_ring_size {max}");
        var table = c.MaglevLbConfig?.TableSize ?? Default.MaglevTableSize;
        if (table > TableLimit || !IsPrime(table))
            throw new ConfigException($"{where}: maglev_lb_config.table_size {table} must be a prime number no greater than {TableLimit}");
        return min == Default.MinimumRingSize && max == Default.MaximumRingSize && table == Default.MaglevTableSize
            ? Default
            : new HashRingSettings(min == 0 ? 1 : min, max, table);
    }

    private static bool IsPrime(ulong n)
    {
        if (n < 2) return false;
        for (ulong d = 2; d * d <= n; d++)
            if (n % d == 0) return false;
        return true;
    }
}
