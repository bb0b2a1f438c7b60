namespace Trellis.Config.Model.Core;

/// <summary>Kubernetes Namespace spec (only finalizers exist).</summary>
public sealed record NamespaceSpec
{
    public IReadOnlyList<string>? Finalizers { get; init; }
}

/// <summary>Kubernetes ServiceAccount (read from the object's top level).</summary>
public sealed record ServiceAccountSpec
{
    public bool? AutomountServiceAccountToken { get; init; }
    public IReadOnlyList<object>? Secrets { get; init; }
    public IReadOnlyList<object>? ImagePullSecrets { get; init; }
}
