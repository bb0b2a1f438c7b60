using Trellis.Config.Model;

namespace Trellis.Config.Analysis;

/// <summary>TRL0113 (warning): a PeerAuthentication that never decides anything, as istiod composes them: a second
/// mesh-wide or namespace-wide policy, or a second workload policy for the same workload (the oldest wins), and a
/// policy with a selector in the root namespace (istiod applies it to no workload).</summary>
internal sealed class IgnoredPeerAuthenticationCheck : IMeshCheck
{
    public IEnumerable<Diagnostic> Check(MeshIndex mesh)
    {
        var index = mesh.PeerAuthentications;
        var reported = new HashSet<Resource>();
        foreach (var ignored in Shadowed(index.MeshWide, "mesh-wide"))
            if (reported.Add(ignored.Resource)) yield return ignored.Diagnostic;
        var namespaces = mesh.Resources.Where(r => r.Kind == "PeerAuthentication").Select(MeshIndex.Ns).Distinct();
        foreach (var ns in namespaces)
        {
            foreach (var ignored in Shadowed(index.NamespaceWide(ns), $"namespace-wide (in {ns})"))
                if (reported.Add(ignored.Resource)) yield return ignored.Diagnostic;
            foreach (var (_, labels) in mesh.PodTemplates(ns))
                foreach (var ignored in Shadowed(index.WorkloadPolicies(ns, labels), "workload"))
                    if (reported.Add(ignored.Resource)) yield return ignored.Diagnostic;
        }
        foreach (var policy in index.IgnoredInRootNamespace)
            yield return Diagnostic.For(Severity.Warning, DiagnosticCodes.IgnoredPeerAuthentication, policy, "spec.selector",
                $"ignored: a PeerAuthentication with a selector in the root namespace \"{index.RootNamespace}\" applies to no workload; put it in the workload's namespace, or drop the selector to make it mesh-wide");
    }

    private static IEnumerable<(Resource Resource, Diagnostic Diagnostic)> Shadowed(IReadOnlyList<Resource> policies, string scope)
    {
        for (var i = 1; i < policies.Count; i++)
            yield return (policies[i], Diagnostic.For(Severity.Warning, DiagnosticCodes.IgnoredPeerAuthentication, policies[i], "spec",
                $"ignored: the older {scope} PeerAuthentication {policies[0].Metadata.Namespace}/{policies[0].Metadata.Name} takes precedence (Istio applies only the oldest at each scope)"));
    }
}
