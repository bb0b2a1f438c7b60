using Trellis.Config;
using Trellis.Runtime;

namespace Trellis.LocalMode;

/// <summary>Keeps the running pods in step with the Deployments stored in the control plane, so
/// `trellis apply` of a Deployment scales, replaces or adds pods like a Kubernetes controller.</summary>
internal sealed class DeploymentWatcher(ControlPlaneClient client, LocalSupervisor pods)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private string _lastSeen = "";

    public async Task SyncAsync(CancellationToken ct)
    {
        var deployments = await client.ResourcesAsync("Deployment", null, ct);
        var signature = string.Join("\n---\n", deployments.Select(d => d.Source + "\n" + d.Yaml));
        if (signature == _lastSeen) return;
        var workloads = new List<WorkloadSpec>();
        foreach (var d in deployments)
        {
            var load = ConfigLoader.LoadText(d.Yaml, d.Source);
            workloads.AddRange(load.Resources.Where(r => r.Kind == "Deployment").Select(r => WorkloadMapper.Map(r, d.Source)));
        }
        await pods.ApplyWorkloads(workloads);
        _lastSeen = signature;
    }

    /// <summary>Polls until cancelled; a control plane that is down (restarting) is simply retried.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(ct))
        {
            try
            {
                await SyncAsync(ct);
            }
            catch (HttpRequestException)
            {
            }
        }
    }
}
