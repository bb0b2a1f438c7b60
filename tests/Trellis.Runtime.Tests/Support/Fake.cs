using System.Diagnostics;
using System.Text.Json;

namespace Trellis.Runtime.Tests;

/// <summary>Builds workloads around fake-workload (a tiny HTTP server, see FakeWorkload/) and /bin/sh.</summary>
internal static class Fake
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "fake-workload.dll");

    /// <summary>Fast supervisor settings for tests: no drain delay, a short grace period.</summary>
    public static LocalSupervisorOptions Options(LocalSupervisorOptions? with = null) => (with ?? new LocalSupervisorOptions()) with
    {
        DrainDelay = TimeSpan.Zero,
        GracePeriod = TimeSpan.FromSeconds(2),
    };

    /// <summary>A sidecar that is only a process: "ready" as soon as it runs. Cheap, for tests about the app.</summary>
    public static readonly SidecarLauncher SleepingSidecar = _ =>
    {
        var start = new ProcessStartInfo("/bin/sleep");
        start.ArgumentList.Add("300");
        return start;
    };

    public static LocalSupervisorOptions SleepingSidecarOptions => Options() with
    {
        SidecarReady = (pod, _) => Task.FromResult(pod.SidecarPid is not null),
    };

    /// <summary>fake-workload as sidecar, listening on the admin port and answering /ready.</summary>
    public static SidecarLauncher HttpSidecar(string record, params string[] extra) => pod =>
    {
        var start = new ProcessStartInfo("dotnet");
        foreach (var a in new[] { Dll, "--listen", pod.AdminPort.ToString(), "--record", record }.Concat(extra)) start.ArgumentList.Add(a);
        return start;
    };

    /// <summary>fake-workload as app, listening on $PORT.</summary>
    public static ContainerSpec App(string workingDirectory, string record, params string[] extra) =>
        Container(workingDirectory, ["dotnet"], [Dll, "--listen-env", "PORT", "--record", record, .. extra]);

    public static ContainerSpec Container(string workingDirectory, IReadOnlyList<string> command, IReadOnlyList<string>? args = null,
        IReadOnlyList<KeyValuePair<string, string>>? env = null, ProbeSpec? probe = null) =>
        new("app", command, args ?? [], env ?? [], workingDirectory, [9080], probe);

    public static WorkloadSpec Workload(string name, int replicas, params ContainerSpec[] containers) =>
        new("test", name, replicas, new Dictionary<string, string> { ["app"] = name, ["version"] = "v1" }, "test-sa", containers);

    public static ProbeSpec HttpProbe(string path) => new(path, 9080, null, null, 0, 1, 1, 1, 1);

    /// <summary>The lines fake-workload appended to a record file.</summary>
    public static IReadOnlyList<JsonElement> Records(string path) => File.Exists(path)
        ? File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList()
        : [];

    public static IReadOnlyList<JsonElement> Records(string path, string kind) =>
        Records(path).Where(r => r.GetProperty("kind").GetString() == kind).ToList();
}
