namespace Trellis.Runtime.Tests;

public sealed class PodRestartTests
{
    [Fact]
    public async Task A_crashing_app_is_restarted_with_doubling_back_off_and_counted()
    {
        await using var mesh = new TestSupervisor();
        var starts = mesh.Home.File("starts");
        var script = mesh.Home.Script("crash.sh", $"date +%s%N >> {starts}\necho crashing; exit 3");
        await mesh.Apply(Fake.Workload("crash", 1, Fake.Container(mesh.Home.Root, [script])));

        var looping = await Eventually.Value(() => mesh.PodsOf("crash") is [{ Phase: PodPhase.CrashLoopBackOff } p] ? p : null, "CrashLoopBackOff");
        Assert.StartsWith("app exited with code 3; back-off restarting in ", looping.Reason);
        Assert.False(looping.Ready);
        Assert.Null(looping.AppPid);
        await Eventually.True(() => mesh.PodsOf("crash")[0].Restarts >= 2 && File.ReadAllLines(starts).Length >= 3, "two restarts");

        var times = File.ReadAllLines(starts).Select(l => long.Parse(l) / 1_000_000.0).ToList();
        Assert.True(times[1] - times[0] >= 900, $"first back-off {times[1] - times[0]} ms");
        Assert.True(times[2] - times[1] >= 1900, $"second back-off {times[2] - times[1]} ms");
        var pod = mesh.PodsOf("crash")[0];
        Assert.Contains(mesh.MessagesOf(pod.Name), m => m == "app exited with code 3; back-off restarting in 1s");
        Assert.Contains(mesh.MessagesOf(pod.Name), m => m == "app exited with code 3; back-off restarting in 2s");
        Assert.Contains("crashing", File.ReadAllText(mesh.Home.Mesh.PodLogPath("test", pod.Name, "app")));
    }

    [Fact]
    public async Task A_killed_sidecar_is_restarted_and_the_pod_is_not_ready_meanwhile()
    {
        await using var mesh = new TestSupervisor();
        await mesh.Apply(Fake.Workload("side", 1, Fake.Container(mesh.Home.Root, ["/bin/sleep"], ["300"])));
        var before = await Eventually.Value(() => mesh.PodsOf("side") is [{ Ready: true } p] ? p : null, "ready");

        Assert.True(Signals.Send(before.SidecarPid!.Value, Signals.SigKill));

        await Eventually.True(() => mesh.PodsOf("side") is [{ Ready: false, Phase: PodPhase.CrashLoopBackOff }], "not ready after the sidecar died");
        var after = await Eventually.Value(() => mesh.PodsOf("side") is [{ Ready: true } p] ? p : null, "ready again");
        Assert.NotEqual(before.SidecarPid, after.SidecarPid);
        Assert.Equal(before.AppPid, after.AppPid);
        Assert.Equal(1, after.Restarts);
    }
}
