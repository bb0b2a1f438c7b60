namespace Trellis.Config.Analysis;

/// <summary>TRL0112 (warning): a DestinationRule defines a subset again, with other labels, for a host whose older
/// rule already defines it; Istio merges the rules and keeps the older definition, so these labels are ignored.</summary>
internal sealed class DuplicateSubsetCheck : IMeshCheck
{
    public IEnumerable<Diagnostic> Check(MeshIndex mesh)
    {
        foreach (var shadowed in mesh.RuleIndex.Shadowed)
        {
            var ignored = Labels(shadowed.Subset.Labels);
            var kept = Labels(shadowed.Kept.Labels);
            if (ignored == kept) continue;
            yield return Diagnostic.For(Severity.Warning, DiagnosticCodes.DuplicateSubset, shadowed.Rule, $"spec.subsets[{shadowed.Index}].name",
                $"subset \"{shadowed.Subset.Name}\" is already defined by the older {shadowed.KeptBy.Ref} with labels {kept}; "
                + $"the oldest definition wins, so these labels ({ignored}) are ignored");
        }
    }

    private static string Labels(IReadOnlyDictionary<string, string>? labels) =>
        labels is { Count: > 0 } ? string.Join(",", labels.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}")) : "{}";
}
