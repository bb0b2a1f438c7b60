using System.Collections.Immutable;
using Trellis.Config.Loading;

namespace Trellis.Config.Model.Networking;

/// <summary>Load balancing: a simple policy or consistent hashing, plus locality settings.</summary>
public sealed record LoadBalancerSettings
{
    [OneOf("UNSPECIFIED", "LEAST_CONN", "RANDOM", "PASSTHROUGH", "ROUND_ROBIN", "LEAST_REQUEST")]
    public string? Simple { get; init; }
    public ConsistentHashLb? ConsistentHash { get; init; }
    public LocalityLbSetting? LocalityLbSetting { get; init; }
    public TimeSpan? WarmupDurationSecs { get; init; }
    public WarmupConfiguration? Warmup { get; init; }
}

/// <summary>Slow start for new endpoints.</summary>
public sealed record WarmupConfiguration
{
    public TimeSpan? Duration { get; init; }
    public double? MinimumPercent { get; init; }
    public double? Aggression { get; init; }
}

/// <summary>Session affinity by header, cookie, source IP or query parameter.</summary>
public sealed record ConsistentHashLb
{
    public string? HttpHeaderName { get; init; }
    public HttpCookie? HttpCookie { get; init; }
    public bool? UseSourceIp { get; init; }
    public string? HttpQueryParameterName { get; init; }
    public RingHash? RingHash { get; init; }
    public MagLev? Maglev { get; init; }
    [Deprecated("use ringHash.minimumRingSize")] public long? MinimumRingSize { get; init; }
}

/// <summary>The cookie hashed for session affinity.</summary>
public sealed record HttpCookie
{
    public string? Name { get; init; }
    public string? Path { get; init; }
    public TimeSpan? Ttl { get; init; }
    public IReadOnlyList<CookieAttribute>? Attributes { get; init; }
}

/// <summary>An extra attribute of the affinity cookie.</summary>
public sealed record CookieAttribute
{
    public string? Name { get; init; }
    public string? Value { get; init; }
}

/// <summary>Ring hash settings.</summary>
public sealed record RingHash
{
    public long? MinimumRingSize { get; init; }
}

/// <summary>Maglev settings.</summary>
public sealed record MagLev
{
    public long? TableSize { get; init; }
}

/// <summary>Locality-aware load balancing.</summary>
public sealed record LocalityLbSetting
{
    public IReadOnlyList<LocalityDistribute>? Distribute { get; init; }
    public IReadOnlyList<LocalityFailover>? Failover { get; init; }
    public IReadOnlyList<string>? FailoverPriority { get; init; }
    public bool? Enabled { get; init; }
}

/// <summary>Weights of traffic from one locality to others.</summary>
public sealed record LocalityDistribute
{
    public string? From { get; init; }
    public ImmutableDictionary<string, uint>? To { get; init; }
}

/// <summary>Where a region's traffic fails over to.</summary>
public sealed record LocalityFailover
{
    public string? From { get; init; }
    public string? To { get; init; }
}
