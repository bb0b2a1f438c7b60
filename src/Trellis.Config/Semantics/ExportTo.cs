using Trellis.Config.Model;

namespace Trellis.Config.Semantics;

/// <summary>Istio's exportTo: which namespaces may see a VirtualService, ServiceEntry or Service (DestinationRules
/// have their own, merge-aware lookup in <see cref="DestinationRuleIndex"/>).</summary>
public static class ExportTo
{
    /// <summary>Every namespace.</summary>
    public const string Public = "*";

    /// <summary>The object's own namespace.</summary>
    public const string Private = ".";

    /// <summary>No namespace at all (ServiceEntries and Services only).</summary>
    public const string None = "~";

    /// <summary>The annotation that sets a Kubernetes Service's exportTo, a comma-separated list.</summary>
    public const string ServiceAnnotation = "networking.istio.io/exportTo";

    /// <summary>True when an object of <paramref name="ownerNamespace"/> with this exportTo is visible from
    /// <paramref name="clientNamespace"/>. An absent or empty exportTo takes <paramref name="whenUnset"/>, the mesh
    /// config's default for the kind (see <see cref="ExportToDefaults"/>): it is not always public.</summary>
    public static bool Allows(IReadOnlyCollection<string>? exportTo, IReadOnlyCollection<string> whenUnset, string ownerNamespace, string clientNamespace) =>
        (exportTo is { Count: > 0 } ? exportTo : whenUnset)
        .Any(e => e == Public || (e == Private ? ownerNamespace == clientNamespace : e == clientNamespace));

    /// <summary>A Service's exportTo from its annotation, entries trimmed; null when it has none.</summary>
    public static IReadOnlyList<string>? OfService(ObjectMeta metadata) =>
        metadata.Annotations.TryGetValue(ServiceAnnotation, out var value) && value.Trim().Length > 0
            ? value.Split(',').Select(e => e.Trim()).ToList()
            : null;
}
