using System.Diagnostics;
using Trellis.EndToEnd.Harness;

namespace Trellis.EndToEnd.Scenarios;

/// <summary>A mesh lives and dies with its `trellis up`: a `kill -9` of it leaves no process holding a port,
/// `trellis down` cleans up after a supervisor that died, and a home runs one mesh at a time.</summary>
public sealed class MeshLifetimeTests : IAsyncLifetime
{
    private readonly TcpEchoMesh _mesh = new();

    public Task InitializeAsync() => _mesh.InitializeAsync();

    public Task DisposeAsync() => _mesh.DisposeAsync();

    [Fact]
    public async Task Kill_9_of_trellis_up_takes_every_process_of_the_mesh_with_it_and_a_new_up_starts_in_the_same_home()
    {
        var pids = _mesh.RecordedPids();
        var ports = _mesh.RecordedPorts();
        Assert.Equal(8, pids.Count); // three apps, three sidecars, the gateway, the control plane
        Assert.All(pids, pid => Assert.True(Kernel.IsAlive(pid), $"recorded pid {pid} is not running before the kill"));

        _mesh.KillUpWithSigkill();

        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(5) && (pids.Any(Kernel.IsAlive) || !ports.All(Kernel.CanBind)))
            await Task.Delay(100);
        Assert.All(pids, pid => Assert.False(Kernel.IsAlive(pid), $"process {pid} outlived trellis up by {clock.Elapsed.TotalSeconds:F1}s"));
        Assert.All(ports, port => Assert.True(Kernel.CanBind(port), $"port {port} is still held after trellis up was killed"));

        // The finding: a new mesh in the same home failed with "port already in use".
        using var again = Process.Start(_mesh.Cli.StartInfo(["up", "-f", Repo.Path("samples", "tcp-echo"), "--port", _mesh.IngressPort.ToString()]))!;
        var output = new System.Text.StringBuilder();
        again.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        again.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        again.BeginOutputReadLine();
        again.BeginErrorReadLine();
        try
        {
            clock.Restart();
            while (!again.HasExited && clock.Elapsed < TimeSpan.FromSeconds(120) && !NewPodsReady(pids))
                await Task.Delay(250);
            Assert.True(!again.HasExited && NewPodsReady(pids), $"a new trellis up in the same home did not start:\n{output}");
        }
        finally
        {
            await _mesh.Cli.RunAsync("down");
            if (!again.WaitForExit(30_000)) again.Kill(entireProcessTree: true);
        }
    }

    /// <summary>Three ready pods, none of them a record left by the killed mesh.</summary>
    private bool NewPodsReady(IReadOnlyList<int> oldPids) =>
        PodsFile.Read(_mesh.Cli.Home) is { Count: 3 } pods && pods.All(p => p.Ready && !oldPids.Contains(p.AppPid ?? 0));

    [Fact]
    public async Task A_second_up_in_the_same_home_is_refused_while_the_first_is_live()
    {
        var pods = PodsFile.Read(_mesh.Cli.Home);

        var second = await _mesh.Cli.RunAsync("up", "-f", Repo.Path("samples", "tcp-echo"), "--port", "0");

        Assert.Equal(1, second.ExitCode);
        var message = Assert.Single(second.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"error: a mesh is already running in {_mesh.Cli.Home} (pid {_mesh.UpPid}); stop it with `trellis down` or use another --home", message);
        Assert.False(_mesh.UpHasExited);
        Assert.Equal(pods.Select(p => (p.Name, p.AppPid, p.SidecarPid)), PodsFile.Read(_mesh.Cli.Home).Select(p => (p.Name, p.AppPid, p.SidecarPid)));
    }
}

/// <summary>`trellis down` in a home whose supervisor died while some of its processes kept running (a machine
/// without setpriv, or processes that escaped their parent): it stops what is still this home's, and only that.</summary>
public sealed class OrphanedMeshTests : IDisposable
{
    private readonly TrellisCli _cli = new(Directory.CreateTempSubdirectory("trellis-e2e-orphan-").FullName);
    private readonly List<Process> _started = [];

    [Fact]
    public async Task Down_stops_what_a_dead_supervisor_left_running_and_nothing_else()
    {
        var app = StartMarked("default", "web-0", "/bin/sh", "-c", "sleep 600 & wait");
        // A job whose parent, recorded in pods.json, died long ago: nothing records its pid, but it carries the marker.
        var jobFile = Path.Combine(_cli.Home, "job.pid");
        StartMarked("default", "api-0", "/bin/sh", "-c", $"sleep 600 > /dev/null 2>&1 & echo $! > {jobFile}").WaitForExit();
        var job = int.Parse(File.ReadAllText(jobFile).Trim());
        var sidecar = StartMarked("default", "web-0", "/bin/sleep", "600");
        var gateway = StartMarked("istio-system", "istio-ingressgateway", "/bin/sleep", "600");
        var controlPlane = StartMarked("istio-system", "trellisd", "/bin/sleep", "600");
        var stranger = Start(new ProcessStartInfo("/bin/sleep", "600"));
        // The stranger took the pid of an app that exited long ago: recorded, but not this home's any more.
        File.WriteAllText(Path.Combine(_cli.Home, "pods.json"), $$"""
            [{"name": "web-0", "namespace": "default", "appPid": {{app.Id}}, "sidecarPid": {{sidecar.Id}}},
             {"name": "api-0", "namespace": "default", "appPid": {{stranger.Id}}, "sidecarPid": null}]
            """);
        File.WriteAllText(Path.Combine(_cli.Home, "mesh.json"), $$"""
            {"supervisorPid": 999999, "startedAt": "2026-12-01T00:00:00Z", "manifests": "x", "controlPlanePid": {{controlPlane.Id}},
             "xdsPort": 1, "apiPort": 2, "ingressPort": 3, "ingressAdminPort": 4, "gatewayPid": {{gateway.Id}}}
            """);

        var down = await _cli.RunAsync("down");

        Assert.True(down.ExitCode == 0, down.All);
        Assert.Matches(@"had lost its supervisor; stopped [5-9] process\(es\) it left running", down.Stdout);
        foreach (var p in new[] { app, sidecar, gateway, controlPlane }) Assert.True(p.WaitForExit(5000), $"pid {p.Id} still runs");
        var clock = Stopwatch.StartNew();
        while (Kernel.IsAlive(job) && clock.Elapsed < TimeSpan.FromSeconds(5)) await Task.Delay(100);
        Assert.False(Kernel.IsAlive(job), "the job of a pod process that had died survived trellis down");
        Assert.True(Kernel.IsAlive(stranger.Id), "a process that is not the mesh's was killed");
        Assert.False(File.Exists(Path.Combine(_cli.Home, "mesh.json")));

        var again = await _cli.RunAsync("down");
        Assert.Equal($"no mesh is running in {_cli.Home}", again.Stdout.Trim());
    }

    /// <summary>A process started as `trellis up` starts them: in its own session, marked with the home and pod.</summary>
    private Process StartMarked(string ns, string pod, string command, params string[] args)
    {
        var start = new ProcessStartInfo("setsid") { UseShellExecute = false };
        start.ArgumentList.Add(command);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["TRELLIS_POD"] = $"{_cli.Home}|{ns}/{pod}";
        return Start(start);
    }

    private Process Start(ProcessStartInfo start)
    {
        var process = Process.Start(start)!;
        _started.Add(process);
        return process;
    }

    public void Dispose()
    {
        foreach (var p in _started)
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
            p.Dispose();
        }
        Directory.Delete(_cli.Home, recursive: true);
    }
}
