namespace Trellis.Config.Semantics;

/// <summary>MeshConfig's defaultServiceExportTo, defaultVirtualServiceExportTo and defaultDestinationRuleExportTo: the
/// exportTo of an object that sets none. Istio's default for each is <c>["*"]</c>, every namespace.</summary>
/// <param name="Service">For Kubernetes Services without the exportTo annotation and ServiceEntries without exportTo.</param>
/// <param name="VirtualService">For VirtualServices without exportTo.</param>
/// <param name="DestinationRule">For DestinationRules without exportTo. As istiod, only <c>.</c> narrows a rule (to its
/// own namespace); any other default leaves it exported to every namespace.</param>
public sealed record ExportToDefaults(IReadOnlyList<string> Service, IReadOnlyList<string> VirtualService, IReadOnlyList<string> DestinationRule)
{
    /// <summary>Istio's defaults: every kind exported to every namespace.</summary>
    public static readonly ExportToDefaults Public = new([ExportTo.Public], [ExportTo.Public], [ExportTo.Public]);

    /// <summary>True when a DestinationRule without exportTo stays in its own namespace.</summary>
    public bool DestinationRulePrivate => DestinationRule.Contains(ExportTo.Private);
}
