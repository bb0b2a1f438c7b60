namespace Trellis.Runtime.Tests;

public sealed class ReadinessTests
{
    [Fact]
    public async Task An_http_probe_on_the_container_port_reaches_the_app_port_and_flips_readiness()
    {
        await using var mesh = new TestSupervisor();
        var flag = mesh.Home.File("healthy");
        await mesh.Apply(Fake.Workload("web", 1, Fake.App(mesh.Home.Root, mesh.Home.File("app.jsonl"), "--ready-file", flag)
            with { ReadinessProbe = Fake.HttpProbe("/healthz") }));

        // Until the app listens the probe fails with "connection refused"; then with the app's own 503.
        var pod = await Eventually.Value(() => mesh.PodsOf("web") is [{ Phase: PodPhase.Running, Reason: "readiness probe failed: GET /healthz returned HTTP 503" } p] ? p : null, "a 503 probe");
        Assert.False(pod.Ready);

        File.WriteAllText(flag, "");
        await Eventually.True(() => mesh.PodsOf("web") is [{ Ready: true, Reason: null }], "ready");
        File.Delete(flag);
        await Eventually.True(() => mesh.PodsOf("web") is [{ Ready: false, Phase: PodPhase.Running }], "not ready again");
        File.WriteAllText(flag, "");
        await Eventually.True(() => mesh.PodsOf("web") is [{ Ready: true }], "ready again");
        Assert.Equal(0, mesh.PodsOf("web")[0].Restarts);
        Assert.Contains("not ready: readiness probe failed: GET /healthz returned HTTP 503", mesh.MessagesOf(pod.Name));
    }

    [Fact]
    public async Task An_exec_probe_runs_with_the_container_environment()
    {
        await using var mesh = new TestSupervisor();
        var flag = mesh.Home.File("ok");
        var probe = new ProbeSpec(null, null, null, ["/bin/sh", "-c", "test -f $(FLAG) && test \"$POD_NAMESPACE\" = test"], 0, 1, 1, 1, 1);
        await mesh.Apply(Fake.Workload("exec", 1, Fake.Container(mesh.Home.Root, ["/bin/sleep"], ["300"], [new("FLAG", flag)], probe)));

        var pod = await Eventually.Value(() => mesh.PodsOf("exec") is [{ Phase: PodPhase.Running, Reason: not null } p] ? p : null, "failing exec probe");
        Assert.Equal("readiness probe failed: exec probe exited with code 1", pod.Reason);
        File.WriteAllText(flag, "");
        await Eventually.True(() => mesh.PodsOf("exec") is [{ Ready: true }], "ready");
    }

    [Fact]
    public async Task A_tcp_probe_is_ready_once_the_app_listens_on_its_port()
    {
        await using var mesh = new TestSupervisor();
        var probe = new ProbeSpec(null, null, 9080, null, 0, 1, 1, 1, 1);
        await mesh.Apply(
            Fake.Workload("listens", 1, Fake.App(mesh.Home.Root, mesh.Home.File("app.jsonl")) with { ReadinessProbe = probe }),
            Fake.Workload("silent", 1, Fake.Container(mesh.Home.Root, ["/bin/sleep"], ["300"], probe: probe)));

        await Eventually.True(() => mesh.PodsOf("listens") is [{ Ready: true }], "the listening app is ready");
        var silent = await Eventually.Value(() => mesh.PodsOf("silent") is [{ Reason: not null } p] ? p : null, "the silent app fails its probe");
        Assert.StartsWith($"readiness probe failed: tcp connect to port {silent.AppPort}", silent.Reason);
        Assert.False(silent.Ready);
    }
}
