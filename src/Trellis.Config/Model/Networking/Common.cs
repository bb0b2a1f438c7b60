using Trellis.Config.Loading;

namespace Trellis.Config.Model.Networking;

/// <summary>Istio StringMatch: exactly one of exact, prefix or regex (RE2).</summary>
public sealed record StringMatch
{
    public string? Exact { get; init; }
    public string? Prefix { get; init; }
    [RegexField] public string? Regex { get; init; }
}

/// <summary>A port selected by number.</summary>
public sealed record PortSelector
{
    public int? Number { get; init; }
}

/// <summary>A percentage between 0.0 and 100.0.</summary>
public sealed record Percent
{
    public double? Value { get; init; }
}

/// <summary>Istio WorkloadSelector: labels of the pods a rule applies to.</summary>
public sealed record WorkloadSelector
{
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
    public IReadOnlyDictionary<string, string>? MatchLabels { get; init; }
}

/// <summary>A destination: a service host (short, namespaced or FQDN), an optional subset and port.</summary>
public sealed record Destination
{
    public string? Host { get; init; }
    public string? Subset { get; init; }
    public PortSelector? Port { get; init; }
}
