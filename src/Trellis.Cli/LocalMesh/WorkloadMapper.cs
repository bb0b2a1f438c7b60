using Trellis.Config.Model;
using Trellis.Config.Model.Apps;
using Trellis.Runtime;

namespace Trellis.Cli.LocalMesh;

/// <summary>Turns Deployments into what the local runtime runs: relative commands resolve against the
/// folder of the manifest that declared them.</summary>
internal static class WorkloadMapper
{
    public static IReadOnlyList<WorkloadSpec> From(IEnumerable<Resource> resources, string manifestRoot) =>
        resources.Where(r => r.Kind == "Deployment" && r.Spec is DeploymentSpec)
            .Select(r => Map(r, (DeploymentSpec)r.Spec!, manifestRoot))
            .ToList();

    private static WorkloadSpec Map(Resource resource, DeploymentSpec spec, string manifestRoot)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(Path.IsPathRooted(resource.Source.File)
            ? resource.Source.File
            : Path.Combine(manifestRoot, resource.Source.File)))!;
        var template = spec.Template;
        return new WorkloadSpec(
            Namespace: resource.Metadata.Namespace ?? "default",
            DeploymentName: resource.Metadata.Name,
            Replicas: spec.Replicas ?? 1,
            PodLabels: template?.Metadata?.Labels ?? new Dictionary<string, string>(),
            ServiceAccount: template?.Spec?.ServiceAccountName ?? "default",
            Containers: (template?.Spec?.Containers ?? []).Select(c => ContainerMapper.Map(c, folder)).ToList());
    }
}
