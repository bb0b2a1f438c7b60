using System.Collections.Immutable;

namespace Trellis.Config.Loading;

/// <summary>Kubernetes ObjectMeta as written in manifests; bound strictly so that typos such as <c>namspace</c> are caught.</summary>
internal sealed record MetadataFields
{
    public string? Name { get; init; }
    public string? GenerateName { get; init; }
    public string? Namespace { get; init; }
    public ImmutableDictionary<string, string>? Labels { get; init; }
    public ImmutableDictionary<string, string>? Annotations { get; init; }
    public string? Uid { get; init; }
    public string? ResourceVersion { get; init; }
    public long? Generation { get; init; }
    public string? CreationTimestamp { get; init; }
    public string? DeletionTimestamp { get; init; }
    public long? DeletionGracePeriodSeconds { get; init; }
    public IReadOnlyList<string>? Finalizers { get; init; }
    public object? OwnerReferences { get; init; }
    public object? ManagedFields { get; init; }
    public string? SelfLink { get; init; }
}
