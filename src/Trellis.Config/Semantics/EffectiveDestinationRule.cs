using Trellis.Config.Model;
using Trellis.Config.Model.Networking;

namespace Trellis.Config.Semantics;

/// <summary>One or more DestinationRules for the same host merged as Istio merges them: <see cref="Spec"/>
/// has the subsets of every rule in creation order (a name defined twice keeps the oldest definition) and
/// the oldest top-level traffic policy that is set; <see cref="From"/> are the rules merged, oldest first.</summary>
public sealed record EffectiveDestinationRule(string Host, DestinationRuleSpec Spec, IReadOnlySet<string> ExportTo, IReadOnlyList<Resource> From)
{
    /// <summary>The namespace all merged rules live in.</summary>
    public string Namespace => From[0].Metadata.Namespace ?? "default";

    /// <summary>The oldest rule's workload selector, shared by every rule merged with it.</summary>
    public WorkloadSelector? WorkloadSelector => Spec.WorkloadSelector;
}
