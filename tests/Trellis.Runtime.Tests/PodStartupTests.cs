using System.Globalization;

namespace Trellis.Runtime.Tests;

public sealed class PodStartupTests
{
    [Fact]
    public async Task The_app_starts_only_after_the_sidecar_answers_ready()
    {
        await using var supervisor = new TestSupervisor(home => Fake.HttpSidecar(home.File("sidecar.jsonl"), "--ready-after", "1500"), Fake.Options());
        var sidecarRecord = supervisor.Home.File("sidecar.jsonl");
        var appRecord = supervisor.Home.File("app.jsonl");
        await supervisor.Apply(Fake.Workload("web", 1, Fake.App(supervisor.Home.Root, appRecord) with { ReadinessProbe = Fake.HttpProbe("/healthz") }));

        var pod = await Eventually.Value(() => supervisor.PodsOf("web") is [{ Ready: true } p] ? p : null, "a ready pod");

        var sidecarReadyAt = Fake.Records(sidecarRecord, "ready")[0].GetProperty("time").GetInt64();
        var appStartedAt = Fake.Records(appRecord, "start")[0].GetProperty("time").GetInt64();
        Assert.True(appStartedAt >= sidecarReadyAt, $"app started at {appStartedAt}, sidecar ready at {sidecarReadyAt}");
        var messages = supervisor.MessagesOf(pod.Name);
        Assert.True(messages.ToList().FindIndex(m => m.StartsWith("sidecar ready", StringComparison.Ordinal))
            < messages.ToList().FindIndex(m => m.StartsWith("app started", StringComparison.Ordinal)), string.Join(" | ", messages));
        Assert.Contains("ready", messages);
        Assert.Equal(PodPhase.Running, pod.Phase);
        Assert.True(pod.SidecarReady);

        var appLog = supervisor.Home.Mesh.PodLogPath("test", pod.Name, "app");
        await Eventually.True(() => File.Exists(appLog) && File.ReadAllText(appLog).Contains("hello on stderr"), "app log with stdout and stderr");
        Assert.Contains("fake-workload started", File.ReadAllText(appLog));
        Assert.Contains("fake-workload started", File.ReadAllText(supervisor.Home.Mesh.PodLogPath("test", pod.Name, LocalSupervisor.SidecarContainerName)));
    }

    [Fact]
    public async Task The_app_gets_the_pod_environment_proxies_and_expanded_references()
    {
        await using var mesh = new TestSupervisor();
        var envFile = mesh.Home.File("env.txt");
        var argsFile = mesh.Home.File("args.txt");
        var script = mesh.Home.Script("env.sh", $"env > {envFile}.tmp && mv {envFile}.tmp {envFile}\nfor a in \"$@\"; do echo \"$a\"; done > {argsFile}.tmp && mv {argsFile}.tmp {argsFile}\nexec sleep 300");
        Environment.SetEnvironmentVariable("TRELLIS_RUNTIME_TEST_PARENT", "inherited");
        await mesh.Apply(Fake.Workload("env", 1, Fake.Container(mesh.Home.Root, [script],
            args: ["--port=$(PORT)", "--say=$(MESSAGE)", "--raw=$$(PORT)", "--pod=$(POD_NAME)"],
            env: [new("GREETING", "hello"), new("MESSAGE", "$(GREETING) world"), new("ESCAPED", "$$(GREETING)"),
                  new("UNKNOWN", "$(NOPE)"), new("PORT", "9080"), new("SELF", "$(POD_NAMESPACE)/$(SERVICE_ACCOUNT)")])));

        var pod = await Eventually.Value(() => mesh.PodsOf("env") is [{ Ready: true } p] && File.Exists(argsFile) && File.Exists(envFile) ? p : null, "pod ready");
        var env = File.ReadAllLines(envFile).Select(l => l.Split('=', 2)).Where(p => p.Length == 2)
            .GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.Last()[1]);
        var proxy = $"http://127.0.0.1:{pod.OutboundPort}";
        foreach (var name in new[] { "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY" }) Assert.Equal(proxy, env[name]);
        Assert.Equal("localhost,127.0.0.1,::1", env["no_proxy"]);
        Assert.Equal("localhost,127.0.0.1,::1", env["NO_PROXY"]);
        Assert.Equal(pod.AppPort.ToString(CultureInfo.InvariantCulture), env["PORT"]);
        Assert.Equal(pod.Name, env["POD_NAME"]);
        Assert.Equal(pod.Name, env["HOSTNAME"]);
        Assert.Equal("test", env["POD_NAMESPACE"]);
        Assert.Equal("test-sa", env["SERVICE_ACCOUNT"]);
        Assert.Equal("127.0.0.1", env["INSTANCE_IP"]);
        Assert.Equal("hello world", env["MESSAGE"]);
        Assert.Equal("$(GREETING)", env["ESCAPED"]);
        Assert.Equal("$(NOPE)", env["UNKNOWN"]);
        Assert.Equal("test/test-sa", env["SELF"]);
        Assert.Equal("inherited", env["TRELLIS_RUNTIME_TEST_PARENT"]);
        Assert.Equal([$"--port={pod.AppPort}", "--say=hello world", "--raw=$(PORT)", $"--pod={pod.Name}"], File.ReadAllLines(argsFile));
    }

    [Fact]
    public async Task A_relative_command_runs_from_the_manifest_folder()
    {
        await using var mesh = new TestSupervisor();
        var folder = Path.Combine(mesh.Home.Root, "manifests");
        var output = mesh.Home.File("pwd.txt");
        mesh.Home.Script("manifests/bin/app", $"pwd > {output}.tmp && mv {output}.tmp {output}\nexec sleep 300");
        await mesh.Apply(Fake.Workload("rel", 1, Fake.Container(folder, ["bin/app"])));

        await Eventually.True(() => mesh.PodsOf("rel") is [{ Ready: true, Phase: PodPhase.Running }] && File.Exists(output), "pod running");
        Assert.Equal(folder, File.ReadAllText(output).Trim());
    }

    [Fact]
    public async Task A_missing_command_fails_the_pod_before_anything_starts()
    {
        await using var mesh = new TestSupervisor();
        await mesh.Apply(Fake.Workload("ghost", 1, Fake.Container(mesh.Home.Root, ["bin/missing"])));

        var pod = Assert.Single(mesh.PodsOf("ghost"));
        Assert.Equal(PodPhase.Failed, pod.Phase);
        var reason = $"command not found: {mesh.Home.File("bin/missing")}";
        Assert.Equal(reason, pod.Reason);
        await Task.Delay(1500);
        pod = Assert.Single(mesh.PodsOf("ghost"));
        Assert.Equal((PodPhase.Failed, reason, false, 0), (pod.Phase, pod.Reason, pod.Ready, pod.Restarts));
        Assert.Null(pod.AppPid);
        Assert.Null(pod.SidecarPid);
        Assert.Contains(reason, mesh.MessagesOf(pod.Name));
        Assert.Equal(reason, Assert.Single(PodStateStore.Read(mesh.Home.Mesh)).Reason);
    }

    [Fact]
    public async Task A_second_container_is_refused_with_a_clear_reason()
    {
        await using var mesh = new TestSupervisor();
        var app = Fake.Container(mesh.Home.Root, ["/bin/sleep"], ["300"]);
        await mesh.Apply(Fake.Workload("pair", 1, app, app with { Name = "helper" }));

        var pod = Assert.Single(mesh.PodsOf("pair"));
        Assert.Equal(PodPhase.Failed, pod.Phase);
        Assert.Equal("local mode runs one container per pod; the template has 2 (app, helper)", pod.Reason);
    }

    [Fact]
    public async Task A_sidecar_that_never_gets_ready_fails_the_pod_and_is_retried_without_starting_the_app()
    {
        await using var supervisor = new TestSupervisor(home => Fake.HttpSidecar(home.File("sidecar.jsonl"), "--ready-file", home.File("never")),
            Fake.Options() with { SidecarReadyTimeout = TimeSpan.FromSeconds(1) });
        var sidecarRecord = supervisor.Home.File("sidecar.jsonl");
        var appRecord = supervisor.Home.File("app.jsonl");
        await supervisor.Apply(Fake.Workload("stuck", 1, Fake.App(supervisor.Home.Root, appRecord)));

        var pod = await Eventually.Value(() => supervisor.PodsOf("stuck") is [{ Phase: PodPhase.Failed } p] ? p : null, "a failed pod");
        Assert.StartsWith("sidecar not ready after 1s (see ", pod.Reason);
        await Eventually.True(() => Fake.Records(sidecarRecord, "start").Count >= 2, "the sidecar started again after back-off");
        Assert.Empty(Fake.Records(appRecord));
        Assert.False(supervisor.PodsOf("stuck")[0].Ready);
    }

    [Fact]
    public async Task The_sidecar_never_inherits_a_proxy_and_carries_the_pod_marker()
    {
        await using var mesh = new TestSupervisor(home => pod =>
        {
            var start = new System.Diagnostics.ProcessStartInfo("/bin/sh", ["-c", $"env > {home.File("sidecar-env")}.tmp && mv {home.File("sidecar-env")}.tmp {home.File("sidecar-env")}; exec sleep 300"]);
            start.Environment["http_proxy"] = "http://proxy.example:3128";
            start.Environment["HTTPS_PROXY"] = "http://proxy.example:3128";
            return start;
        });
        await mesh.Apply(Fake.Workload("web", 1, Fake.Container(mesh.Home.Root, ["/bin/sleep"], ["300"])));
        var pod = await Eventually.Value(() => mesh.PodsOf("web") is [{ Ready: true } p] && File.Exists(mesh.Home.File("sidecar-env")) ? p : null, "ready");

        var env = File.ReadAllLines(mesh.Home.File("sidecar-env"));
        Assert.DoesNotContain(env, l => l.StartsWith("http_proxy=", StringComparison.OrdinalIgnoreCase) || l.StartsWith("https_proxy=", StringComparison.OrdinalIgnoreCase));
        Assert.Contains($"{LeftoverProcesses.MarkerVariable}={mesh.Home.Root}|test/{pod.Name}", env);
    }
}
