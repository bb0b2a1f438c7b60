using System.Diagnostics;

namespace Trellis.Runtime.Tests;

public sealed class LeftoverProcessesTests
{
    [Fact]
    public async Task Kills_the_recorded_pod_processes_of_the_home_and_nothing_else()
    {
        await using var mesh = new TestSupervisor();
        var childFile = mesh.Home.File("child");
        var script = mesh.Home.Script("app.sh", $"sleep 300 &\necho $! > {childFile}\nwait");
        await mesh.Apply(Fake.Workload("left", 1, Fake.Container(mesh.Home.Root, [script])));
        var pod = await Eventually.Value(() => mesh.PodsOf("left") is [{ Ready: true } p] && File.Exists(childFile) && File.ReadAllText(childFile).Length > 0 ? p : null, "ready");
        var child = int.Parse(File.ReadAllText(childFile).Trim());
        using var stranger = Process.Start(new ProcessStartInfo("/bin/sleep", "300"))!;
        // A stale record whose pid now belongs to an unrelated process must not be killed.
        var other = new TestHome();
        PodStateStore.Write(other.Mesh, [pod with { AppPid = stranger.Id, SidecarPid = null }]);

        Assert.Empty(LeftoverProcesses.KillRecorded(other.Mesh));
        var killed = LeftoverProcesses.KillRecorded(mesh.Home.Mesh);

        Assert.Equal(new[] { pod.AppPid!.Value, pod.SidecarPid!.Value }.Order(), killed.Order());
        await Eventually.True(() => !Processes.IsAlive(child) && !Processes.IsAlive(pod.AppPid.Value) && !Processes.IsAlive(pod.SidecarPid.Value),
            "the app, its child and the sidecar are gone", TimeSpan.FromSeconds(5));
        Assert.True(Processes.IsAlive(stranger.Id));
        stranger.Kill();
        other.Dispose();
    }

    [Fact]
    public async Task A_new_supervisor_on_the_home_kills_what_the_previous_one_left_running()
    {
        await using var previous = new TestSupervisor();
        await previous.Apply(Fake.Workload("old", 1, Fake.Container(previous.Home.Root, ["/bin/sleep"], ["300"])));
        var pod = await Eventually.Value(() => previous.PodsOf("old") is [{ Ready: true } p] ? p : null, "ready");

        await using (new LocalSupervisor(previous.Home.Mesh, Fake.SleepingSidecar, Fake.SleepingSidecarOptions))
        {
            await Eventually.True(() => !Processes.IsAlive(pod.AppPid!.Value) && !Processes.IsAlive(pod.SidecarPid!.Value), "the old pod's processes are gone", TimeSpan.FromSeconds(5));
        }
    }
}
