namespace Trellis.Config.Analysis;

/// <summary>IST0111 and IST0110 (warnings): several selector-less Sidecars in one namespace (as Istio's analyzer, a
/// selector without labels counts as none), or several Sidecars selecting one workload. Istio leaves the outcome
/// undefined; Trellis applies the one istiod's ordering picks, and says so.</summary>
internal sealed class SidecarConflictsCheck : IMeshCheck
{
    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();

    public IEnumerable<Diagnostic> Check(MeshIndex mesh)
    {
        var sidecars = mesh.Sidecars;
        foreach (var ns in mesh.Resources.Where(r => r.Kind == "Sidecar").Select(MeshIndex.Ns).Distinct())
        {
            var defaults = sidecars.NamespaceWide(ns);
            if (defaults.Count > 1)
            {
                var names = string.Join(", ", defaults.Select(d => d.Metadata.Name));
                // A workload no labelled selector picks gets the oldest empty selector, else the oldest without one.
                var inForce = sidecars.For(ns, NoLabels)!.Metadata.Name;
                foreach (var sidecar in defaults)
                    yield return Diagnostic.For(Severity.Warning, DiagnosticCodes.MultipleSidecarsWithoutWorkloadSelectors, sidecar, "spec",
                        $"The Sidecars {names} in namespace {ns} have no workload selector, which can lead to undefined behavior; " +
                        $"Trellis applies {inForce}. Keep one (Istio recommends the name \"default\") or give the others a workloadSelector with labels.");
            }
            var reported = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (deployment, labels) in mesh.PodTemplates(ns))
            {
                var selecting = sidecars.Selecting(ns, labels);
                if (selecting.Count < 2) continue;
                var names = string.Join(", ", selecting.Select(d => d.Metadata.Name));
                foreach (var sidecar in selecting)
                    if (reported.Add($"{sidecar.Metadata.Name}|{deployment.Metadata.Name}"))
                        yield return Diagnostic.For(Severity.Warning, DiagnosticCodes.ConflictingSidecarWorkloadSelectors, sidecar, "spec.workloadSelector",
                            $"The Sidecars {names} in namespace {ns} select the same workload pods of Deployment {deployment.Metadata.Name}, which can lead to undefined behavior; " +
                            $"Trellis applies the oldest, {selecting[0].Metadata.Name}. Narrow the selectors so that one Sidecar selects each workload.");
            }
        }
    }
}
