using System.Text.Json;

namespace Trellis.Runtime.Tests;

public sealed class PodsFileTests
{
    [Fact]
    public async Task Pods_json_describes_every_pod_like_the_live_state()
    {
        await using var mesh = new TestSupervisor();
        await mesh.Apply(Fake.Workload("web", 1, Fake.Container(mesh.Home.Root, ["/bin/sleep"], ["300"])));
        await Eventually.True(() => PodStateStore.Read(mesh.Home.Mesh) is [{ Ready: true }], "pods.json shows a ready pod");

        var written = PodStateStore.Read(mesh.Home.Mesh)[0];
        var live = mesh.Supervisor.Pods[0];
        Assert.Equal((live.Name, live.AppPort, live.InboundPort, live.OutboundPort, live.AdminPort, live.AppPid, live.SidecarPid),
            (written.Name, written.AppPort, written.InboundPort, written.OutboundPort, written.AdminPort, written.AppPid, written.SidecarPid));
        Assert.Equal(("test", "web", "test-sa", "127.0.0.1", "app", PodPhase.Running), (written.Namespace, written.Deployment, written.ServiceAccount, written.Ip, written.AppContainer, written.Phase));
        Assert.Equal("web", written.Labels["app"]);
        Assert.Equal("v1", written.Labels["version"]);
        Assert.Equal(9080, written.ContainerPort);
        Assert.Equal(new ContainerPortMapping(9080, live.AppPort), Assert.Single(written.ContainerPorts));

        var json = JsonDocument.Parse(File.ReadAllText(mesh.Home.Mesh.PodsPath)).RootElement[0];
        foreach (var name in new[] { "name", "namespace", "deployment", "labels", "serviceAccount", "ip", "appPort", "inboundPort", "outboundPort", "adminPort", "containerPorts", "phase", "ready", "restarts", "reason", "appPid", "sidecarPid", "startedAt" })
            Assert.True(json.TryGetProperty(name, out _), $"pods.json lacks {name}");
    }

    [Fact]
    public async Task Readers_never_see_a_partly_written_file()
    {
        await using var mesh = new TestSupervisor();
        var path = mesh.Home.Mesh.PodsPath;
        var reads = 0;
        var failures = new List<string>();
        using var stop = new CancellationTokenSource();
        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var document = JsonDocument.Parse(File.ReadAllBytes(path));
                    if (document.RootElement.ValueKind != JsonValueKind.Array) failures.Add("not an array");
                    reads++;
                }
                catch (JsonException e)
                {
                    failures.Add(e.Message);
                }
            }
        });
        var workload = Fake.Workload("churn", 0, Fake.Container(mesh.Home.Root, ["/bin/sleep"], ["300"]));
        foreach (var replicas in new[] { 4, 1, 3, 0 })
        {
            await mesh.Apply(workload with { Replicas = replicas });
            await Eventually.True(() => mesh.PodsOf("churn").Count == replicas && mesh.PodsOf("churn").All(p => p.Ready), $"{replicas} ready");
        }
        await stop.CancelAsync();
        await reader;

        Assert.Empty(failures);
        Assert.True(reads > 20, $"only {reads} reads");
    }
}
