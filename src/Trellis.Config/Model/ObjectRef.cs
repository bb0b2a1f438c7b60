namespace Trellis.Config.Model;

/// <summary>Identifies an object as Kubernetes users write it: <c>Kind namespace/name</c> (or <c>Kind name</c> when cluster-scoped).</summary>
public readonly record struct ObjectRef(string Kind, string? Namespace, string Name)
{
    /// <inheritdoc/>
    public override string ToString() => string.IsNullOrEmpty(Namespace) ? $"{Kind} {Name}" : $"{Kind} {Namespace}/{Name}";
}
