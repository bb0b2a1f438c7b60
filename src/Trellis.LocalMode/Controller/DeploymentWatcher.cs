using Trellis.Config;
using Trellis.Config.Loading;
using Trellis.Runtime;

namespace Trellis.LocalMode;

/// <summary>Keeps the running pods in step with the Deployments stored in the control plane, so
/// `trellis apply` of a Deployment scales, replaces or adds pods like a Kubernetes controller; and the sidecars they
/// start with the mesh config's proxy defaults.</summary>
internal sealed class DeploymentWatcher(ControlPlaneClient client, LocalSupervisor pods, SidecarDefaults defaults)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private string _lastSeen = "";
    private string _lastMeshConfig = "";

    public async Task SyncAsync(CancellationToken ct)
    {
        await SyncMeshConfigAsync(ct);
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

    /// <summary>Read before the Deployments, so pods they add start with the mesh config stored with them.</summary>
    private async Task SyncMeshConfigAsync(CancellationToken ct)
    {
        var stored = await client.ResourcesAsync("ConfigMap", MeshConfigReader.ConfigMapNamespace, ct);
        var signature = string.Join("\n---\n", stored.Select(c => c.Source + "\n" + c.Yaml));
        if (signature == _lastMeshConfig) return;
        var resources = stored.SelectMany(c => ConfigLoader.LoadText(c.Yaml, c.Source).Resources);
        defaults.Concurrency = MeshConfigReader.Settings(resources).Concurrency;
        _lastMeshConfig = signature;
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
