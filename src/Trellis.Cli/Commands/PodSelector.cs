using Trellis.Runtime;

namespace Trellis.Cli.Commands;

/// <summary>Resolves "POD" or "deploy/NAME" to a running pod, as kubectl logs/exec do.</summary>
internal static class PodSelector
{
    /// <summary>The pod, or null after printing kubectl's error to stderr. When "deploy/NAME" is resolved by
    /// its app label, a note on stderr says so: Istio's guides write `deploy/productpage` for Bookinfo,
    /// whose Deployment is named productpage-v1.</summary>
    public static PodState? Find(MeshHome home, string target, string? ns)
    {
        var pod = Find(home, target, ns, out var error, out var note);
        if (note is not null) Console.Error.WriteLine(note);
        if (pod is null) Console.Error.WriteLine(error);
        return pod;
    }

    private static PodState? Find(MeshHome home, string target, string? ns, out string error, out string? note)
    {
        note = null;
        var pods = PodStateStore.Read(home);
        var candidates = pods.Where(p => ns is null || p.Namespace == ns).ToList();
        if (!target.StartsWith("deploy/", StringComparison.Ordinal) && !target.StartsWith("deployment/", StringComparison.Ordinal))
        {
            var pod = candidates.FirstOrDefault(p => p.Name == target);
            error = pod is not null ? "" : NotFound("pods", target, ns);
            return pod;
        }

        var deployment = target[(target.IndexOf('/') + 1)..];
        var named = Pick(candidates.Where(p => p.Deployment == deployment));
        if (named is not null)
        {
            error = "";
            return named;
        }
        var byApp = candidates.Where(p => p.Labels.TryGetValue("app", out var app) && app == deployment).ToList();
        var deployments = byApp.Select(p => p.Deployment).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (deployments.Count == 1)
        {
            note = $"no deployment \"{deployment}\"; using deployment \"{deployments[0]}\", the only one labelled app={deployment}";
            error = "";
            return Pick(byApp);
        }
        error = NotFound("deployments.apps", deployment, ns)
                + (deployments.Count > 1 ? $"; deployments labelled app={deployment}: {string.Join(", ", deployments)}" : "");
        return null;
    }

    private static PodState? Pick(IEnumerable<PodState> pods) =>
        pods.OrderByDescending(p => p.Ready).ThenBy(p => p.Name, StringComparer.Ordinal).FirstOrDefault();

    private static string NotFound(string kind, string name, string? ns) => ns is null
        ? $"Error from server (NotFound): {kind} \"{name}\" not found in any namespace"
        : $"Error from server (NotFound): {kind} \"{name}\" not found in namespace \"{ns}\"";
}
