namespace Trellis.Config.Loading;

/// <summary>What Trellis knows about one kind: its group and versions, how its spec binds, and whether it acts on it.</summary>
/// <param name="SpecType">The typed spec, or null for kinds accepted with an untyped spec.</param>
/// <param name="TopLevel">True when the kind keeps its fields at the top level (Secret, ServiceAccount) rather than under <c>spec</c>.</param>
/// <param name="DefaultName">The name used when metadata.name is absent, for kinds whose tools allow that (IstioOperator).</param>
internal sealed record KindInfo(
    string Group,
    IReadOnlyList<string> Versions,
    string Kind,
    Type? SpecType,
    bool ClusterScoped = false,
    bool TopLevel = false,
    string? DefaultName = null)
{
    public bool Enforced => SpecType is not null;

    public IEnumerable<string> ApiVersions => Versions.Select(v => Group.Length == 0 ? v : $"{Group}/{v}");

    /// <summary>Top-level keys every object may carry besides its kind's own.</summary>
    public static readonly IReadOnlyList<string> CommonTopLevel = ["apiVersion", "kind", "metadata", "spec", "status"];
}
