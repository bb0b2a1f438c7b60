namespace Trellis.Config.Model.Security;

/// <summary>Istio PolicyTargetReference: the Gateway API resource (a Gateway, a Service, ...) a policy attaches to.</summary>
public sealed record PolicyTargetReference
{
    public string? Group { get; init; }
    public string? Kind { get; init; }
    public string? Name { get; init; }
    public string? Namespace { get; init; }
}
