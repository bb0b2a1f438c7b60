namespace Trellis.Runtime.Tests;

public sealed class ShutdownTests
{
    [Fact]
    public async Task Stopping_leaves_no_processes_frees_the_ports_and_empties_pods_json()
    {
        var mesh = new TestSupervisor(home => Fake.HttpSidecar(home.File("sidecar.jsonl")), Fake.Options());
        try
        {
            var record = mesh.Home.File("app.jsonl");
            await mesh.Apply(Fake.Workload("tree", 2, Fake.App(mesh.Home.Root, record, "--spawn-child") with { ReadinessProbe = Fake.HttpProbe("/") }));
            await Eventually.True(() => mesh.PodsOf("tree").Count(p => p.Ready) == 2, "two ready pods");
            // A pod can be ready before its app has recorded the child it spawned.
            await Eventually.True(() => Fake.Records(record, "start").Count == 2, "both apps recorded their child");
            var pods = mesh.PodsOf("tree");
            var children = Fake.Records(record, "start").Select(r => r.GetProperty("extra").GetProperty("childPid").GetInt32()).ToList();
            var pids = pods.SelectMany(p => new[] { p.AppPid!.Value, p.SidecarPid!.Value }).Concat(children).ToList();
            Assert.Equal(6, pids.Count);
            Assert.All(pids, pid => Assert.True(Processes.IsAlive(pid), $"pid {pid} should run"));
            Assert.All(pods, p => Assert.False(Processes.CanBind(p.AppPort)));

            await mesh.Supervisor.StopAllAsync();

            Assert.All(pids, pid => Assert.False(Processes.IsAlive(pid), $"pid {pid} survived"));
            Assert.All(pods.SelectMany(p => new[] { p.AppPort, p.AdminPort }), port => Assert.True(Processes.CanBind(port), $"port {port} still taken"));
            Assert.Empty(mesh.Supervisor.Pods);
            Assert.Equal("[]", File.ReadAllText(mesh.Home.Mesh.PodsPath).Trim());
            await Assert.ThrowsAsync<ObjectDisposedException>(() => mesh.Supervisor.ApplyWorkloads([]));
        }
        finally
        {
            await mesh.DisposeAsync();
        }
    }

    [Fact]
    public async Task Apps_get_SIGTERM_before_their_sidecars()
    {
        var mesh = new TestSupervisor(home => _ => new System.Diagnostics.ProcessStartInfo("/bin/sh",
            ["-c", $"trap 'date +%s%N > {home.File("sidecar-stopped")}; exit 0' TERM; while true; do sleep 0.05; done"]));
        try
        {
            var script = mesh.Home.Script("app.sh", $"trap 'sleep 0.3; date +%s%N > {mesh.Home.File("app-stopped")}; exit 0' TERM\nwhile true; do sleep 0.05; done");
            await mesh.Apply(Fake.Workload("order", 1, Fake.Container(mesh.Home.Root, [script])));
            await Eventually.True(() => mesh.PodsOf("order") is [{ Ready: true }], "ready");

            await mesh.Supervisor.StopAllAsync();

            var app = long.Parse(File.ReadAllText(mesh.Home.File("app-stopped")));
            var sidecar = long.Parse(File.ReadAllText(mesh.Home.File("sidecar-stopped")));
            Assert.True(app < sidecar, $"app stopped at {app}, sidecar at {sidecar}");
        }
        finally
        {
            await mesh.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_throwing_sidecar_check_fails_the_pod_but_stopping_still_works()
    {
        var checks = 0;
        var mesh = new TestSupervisor(null, Fake.SleepingSidecarOptions with
        {
            SidecarReady = (pod, _) => Interlocked.Increment(ref checks) > 3 ? throw new InvalidOperationException("boom") : Task.FromResult(pod.SidecarPid is not null),
        });
        await mesh.Apply(Fake.Workload("odd", 1, Fake.Container(mesh.Home.Root, ["/bin/sleep"], ["300"])));
        var pod = await Eventually.Value(() => mesh.PodsOf("odd") is [{ Phase: PodPhase.Failed, AppPid: not null } p] ? p : null, "failed pod");
        Assert.Equal("pod supervision failed: boom", pod.Reason);

        await mesh.DisposeAsync();

        Assert.False(Processes.IsAlive(pod.AppPid!.Value));
        Assert.False(Processes.IsAlive(pod.SidecarPid!.Value));
    }
}
