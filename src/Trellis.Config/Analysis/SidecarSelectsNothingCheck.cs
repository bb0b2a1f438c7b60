using Trellis.Config.Model.Networking;

namespace Trellis.Config.Analysis;

/// <summary>IST0127 (warning): a Sidecar whose workloadSelector selects no Deployment's pods in its namespace.</summary>
internal sealed class SidecarSelectsNothingCheck : IMeshCheck
{
    public IEnumerable<Diagnostic> Check(MeshIndex mesh)
    {
        foreach (var sidecar in mesh.Sidecars.WithSelector)
        {
            var ns = MeshIndex.Ns(sidecar);
            // A selector without labels selects every workload; it is warned about when validated, as Istio does.
            if (((SidecarSpec)sidecar.Spec!).WorkloadSelector!.Labels is not { Count: > 0 } labels) continue;
            if (mesh.PodTemplates(ns).Any(p => MeshIndex.Selects(labels, p.Labels))) continue;
            var wanted = string.Join(",", labels.Select(kv => $"{kv.Key}={kv.Value}"));
            yield return Diagnostic.For(Severity.Warning, DiagnosticCodes.NoMatchingWorkloadsFound, sidecar, "spec.workloadSelector.labels",
                $"no matching workloads for this resource with the following labels: {wanted} (no Deployment in namespace {ns} has them)");
        }
    }
}
