using Trellis.Config;
using Trellis.Config.Model;
using Trellis.Config.Model.Apps;
using Trellis.ControlPlane.Api;
using Trellis.Runtime;

namespace Trellis.LocalMode;

/// <summary>Everything `trellis up` checks before starting anything, so a bad manifest never leaves
/// a half-started mesh behind: schema, cross-object analysis, and that every container command exists.</summary>
internal static class Preflight
{
    public static bool Check(IReadOnlyList<string> paths, bool recursive, ILocalMeshProgress progress, out List<ManifestFile> files)
    {
        files = [];
        try
        {
            files = ManifestFiles.Read(paths.Select(Path.GetFullPath), recursive)
                .Select(f => f with { Name = Path.GetFullPath(f.Name) }).ToList();
        }
        catch (IOException e)
        {
            progress.Error($"error: {e.Message}");
            return false;
        }
        var load = ConfigLoader.LoadPaths(paths.Select(Path.GetFullPath), recursive);
        var diagnostics = ConfigValidator.Validate(load).ToList();
        diagnostics.AddRange(load.Resources.Where(r => r.Kind == "Deployment").SelectMany(MissingCommands));
        foreach (var d in diagnostics.Where(d => d.Severity != Severity.Info))
            progress.Error(d.ToString());
        if (diagnostics.Any(d => d.Severity == Severity.Error))
        {
            progress.Error("error: the manifests have errors; nothing was started");
            return false;
        }
        return true;
    }

    private static IEnumerable<Diagnostic> MissingCommands(Resource deployment)
    {
        var containers = deployment.SpecAs<DeploymentSpec>()?.Template?.Spec?.Containers ?? [];
        for (var i = 0; i < containers.Count; i++)
        {
            var command = containers[i].Command is { Count: > 0 } c ? c[0] : null;
            var field = $"spec.template.spec.containers[{i}].command";
            if (command is null)
            {
                yield return Diagnostic.For(Severity.Error, "TRL0101", deployment, $"spec.template.spec.containers[{i}]",
                    "local mode runs each container's `command` as a process; this container has none");
                continue;
            }
            var folder = Path.GetDirectoryName(deployment.Source.File) ?? Environment.CurrentDirectory;
            if (CommandResolver.Resolve(command, folder) is null)
                yield return Diagnostic.For(Severity.Error, "TRL0102", deployment, field,
                    $"command not found: \"{command}\" (relative paths resolve against {folder}; other names are looked up on PATH)");
        }
    }
}
