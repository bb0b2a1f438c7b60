namespace Trellis.Config.Analysis;

/// <summary>TRL0110 (warning): a DestinationRule subset whose labels match no pod template of the Service's Deployments.</summary>
internal sealed class SubsetSelectsNoPodsCheck : IMeshCheck
{
    public IEnumerable<Diagnostic> Check(MeshIndex mesh)
    {
        foreach (var (resource, spec) in mesh.DestinationRules)
        {
            if (spec.Host is null || mesh.FindService(spec.Host, MeshIndex.Ns(resource)) is not { } service) continue;
            var serviceNs = MeshIndex.Ns(service.Resource);
            var selector = (IReadOnlyDictionary<string, string>?)service.Spec.Selector ?? new Dictionary<string, string>();
            var pods = mesh.PodTemplates(serviceNs).Where(p => MeshIndex.Selects(selector, p.Labels)).ToList();
            for (var i = 0; i < (spec.Subsets?.Count ?? 0); i++)
            {
                var subset = spec.Subsets![i];
                var labels = (IReadOnlyDictionary<string, string>?)subset.Labels ?? new Dictionary<string, string>();
                if (pods.Any(p => MeshIndex.Selects(labels, p.Labels))) continue;
                var wanted = string.Join(",", labels.Select(kv => $"{kv.Key}={kv.Value}"));
                yield return Diagnostic.For(Severity.Warning, DiagnosticCodes.SubsetSelectsNoPods, resource, $"spec.subsets[{i}].labels",
                    $"subset \"{subset.Name}\" selects no pods: no Deployment of Service {serviceNs}/{service.Resource.Metadata.Name} has labels {wanted}");
            }
        }
    }
}
