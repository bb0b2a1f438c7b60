using Trellis.Config.Model;
using Trellis.Config.Model.Security;

namespace Trellis.ControlPlane.Translation.Authorization;

/// <summary>An AuthorizationPolicy in effect for one workload.</summary>
/// <param name="DryRun">Istio's istio.io/dry-run annotation: the policy is evaluated and logged (shadow rules), never enforced.</param>
internal sealed record AppliedPolicy(string Namespace, string Name, AuthorizationPolicySpec Spec, bool DryRun = false)
{
    public const string DryRunAnnotation = "istio.io/dry-run";

    public string Action => Spec.EffectiveAction;
}

/// <summary>Which AuthorizationPolicies apply to a workload, as istiod selects them for a sidecar or gateway:
/// those of the root namespace (mesh-wide) and of the workload's namespace, with no selector or a selector its
/// labels satisfy. Policies that attach through targetRef(s) bind Gateway API gateways and waypoints, which
/// Trellis does not run, so no sidecar or Istio gateway takes them (as in Istio).</summary>
internal static class ApplicablePolicies
{
    public static IReadOnlyList<AppliedPolicy> For(IEnumerable<Resource> resources, string rootNamespace, string workloadNamespace,
        IReadOnlyDictionary<string, string> labels)
    {
        var applied = new List<AppliedPolicy>();
        foreach (var resource in resources)
        {
            if (resource.Kind != "AuthorizationPolicy" || resource.Metadata.Namespace is not { } ns) continue;
            if (ns != rootNamespace && ns != workloadNamespace) continue;
            // A policy without a spec is "spec: {}": ALLOW with no rules, which allows nothing.
            var spec = resource.Spec as AuthorizationPolicySpec ?? new AuthorizationPolicySpec();
            if (spec.TargetRef is not null || spec.TargetRefs is { Count: > 0 }) continue;
            if (spec.Selector?.MatchLabels is { Count: > 0 } selector
                && !selector.All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value)) continue;
            var dryRun = resource.Metadata.Annotations.TryGetValue(AppliedPolicy.DryRunAnnotation, out var flag) && bool.TryParse(flag, out var on) && on;
            applied.Add(new AppliedPolicy(ns, resource.Metadata.Name, spec, dryRun));
        }
        // Root namespace first, then by name: a stable order, so a push with the same policies is the same config.
        return applied.OrderBy(p => p.Namespace == rootNamespace ? 0 : 1).ThenBy(p => p.Namespace, StringComparer.Ordinal)
            .ThenBy(p => p.Name, StringComparer.Ordinal).ToList();
    }
}
