using Trellis.Config.Model.Security;

namespace Trellis.Config.Analysis;

/// <summary>IST0127 (warning): a workload PeerAuthentication whose matchLabels select no Deployment's pods in its namespace.</summary>
internal sealed class PeerAuthenticationSelectsNothingCheck : IMeshCheck
{
    public IEnumerable<Diagnostic> Check(MeshIndex mesh)
    {
        foreach (var resource in mesh.Resources)
        {
            if (resource.Kind != "PeerAuthentication" || resource.Spec is not PeerAuthenticationSpec { Selector.MatchLabels: { Count: > 0 } selector }) continue;
            var ns = MeshIndex.Ns(resource);
            if (ns == mesh.PeerAuthentications.RootNamespace) continue;
            if (mesh.PodTemplates(ns).Any(p => MeshIndex.Selects(selector, p.Labels))) continue;
            var wanted = string.Join(",", selector.Select(kv => $"{kv.Key}={kv.Value}"));
            yield return Diagnostic.For(Severity.Warning, DiagnosticCodes.NoMatchingWorkloadsFound, resource, "spec.selector.matchLabels",
                $"no matching workloads for this resource with the following labels: {wanted} (no Deployment in namespace {ns} has them)");
        }
    }
}
