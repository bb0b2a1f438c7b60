using Trellis.Runtime;

namespace Trellis.Cli.Commands;

/// <summary>Resolves "POD" or "deploy/NAME" to a running pod, as kubectl logs/exec do.</summary>
internal static class PodSelector
{
    public static PodState? Find(string home, string target, string? ns, out string error)
    {
        var pods = PodStateStore.Read(home);
        var candidates = pods.Where(p => ns is null || p.Namespace == ns).ToList();
        PodState? pod;
        if (target.StartsWith("deploy/", StringComparison.Ordinal) || target.StartsWith("deployment/", StringComparison.Ordinal))
        {
            var deployment = target[(target.IndexOf('/') + 1)..];
            pod = candidates.Where(p => p.Deployment == deployment).OrderByDescending(p => p.Ready).ThenBy(p => p.Name, StringComparer.Ordinal).FirstOrDefault();
        }
        else
        {
            pod = candidates.FirstOrDefault(p => p.Name == target);
        }
        error = pod is not null ? "" : ns is null
            ? $"Error from server (NotFound): pods \"{target}\" not found in any namespace"
            : $"Error from server (NotFound): pods \"{target}\" not found in namespace \"{ns}\"";
        return pod;
    }
}
