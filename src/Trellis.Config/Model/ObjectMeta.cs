namespace Trellis.Config.Model;

/// <summary>The metadata Trellis uses: name, namespace (null for cluster-scoped kinds), labels and annotations.</summary>
public sealed record ObjectMeta(
    string Name,
    string? Namespace,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations);
