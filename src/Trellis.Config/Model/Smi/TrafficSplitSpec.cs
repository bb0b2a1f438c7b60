namespace Trellis.Config.Model.Smi;

/// <summary>SMI TrafficSplit (split.smi-spec.io), as Linkerd and Flagger write it: traffic addressed to the apex
/// <c>service</c> is shared among the backend Services by weight.</summary>
public sealed record TrafficSplitSpec
{
    public string? Service { get; init; }
    public IReadOnlyList<TrafficSplitBackend>? Backends { get; init; }

    /// <summary>HTTPRouteGroup references that limit the split to some requests (v1alpha3 and later).</summary>
    public IReadOnlyList<object>? Matches { get; init; }
}

/// <summary>A backend Service and its relative weight (an integer, or a quantity such as <c>500m</c> in v1alpha1).</summary>
public sealed record TrafficSplitBackend
{
    public string? Service { get; init; }
    public IntOrString? Weight { get; init; }
}
