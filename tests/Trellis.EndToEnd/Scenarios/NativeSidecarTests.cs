using System.Text.Json;
using Trellis.EndToEnd.Harness;

namespace Trellis.EndToEnd.Scenarios;

/// <summary>A user runs `trellis up` and every sidecar is the native proxy the build put beside trellis.dll: no JIT at
/// start, half the memory of `trellis proxy` (bench/startup.sh), the same admin endpoints.</summary>
[Collection(BookinfoCollection.Name)]
public sealed class NativeSidecarTests(BookinfoMesh mesh)
{
    private static readonly string NativeProxy = Path.Combine(AppContext.BaseDirectory, "native", "trellis-proxy");

    [Fact]
    public async Task Every_sidecar_runs_the_native_proxy_and_answers_on_its_admin_port()
    {
        Assert.True(File.Exists(NativeProxy), $"no native proxy at {NativeProxy}: it is built where clang is installed");
        var pods = PodsFile.Read(mesh.Cli.Home).Where(p => p.Namespace == "bookinfo").ToList();
        Assert.Equal(6, pods.Count);
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var pod in pods)
        {
            Assert.Equal(NativeProxy, new FileInfo($"/proc/{pod.SidecarPid}/exe").LinkTarget);

            using var info = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{pod.AdminPort}/server_info"));
            Assert.Equal("LIVE", info.RootElement.GetProperty("state").GetString());
            Assert.StartsWith($"sidecar~127.0.0.1~{pod.Name}.bookinfo~", info.RootElement.GetProperty("node").GetProperty("id").GetString());
            using var dump = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{pod.AdminPort}/config_dump"));
            Assert.Contains(dump.RootElement.GetProperty("configs").EnumerateArray(),
                c => c.GetProperty("@type").GetString() == "type.googleapis.com/envoy.admin.v3.ClustersConfigDump");
            using var quit = await http.PostAsync($"http://127.0.0.1:{pod.AdminPort}/quitquitquit", null);
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, quit.StatusCode);
        }
    }

    /// <summary>Istio's default <c>concurrency</c> of 2: two threads run the sidecar's sockets, each serving its
    /// connections from readiness to the next await (a pod's <c>proxy.istio.io/config</c> changes the count).</summary>
    [Fact]
    public void Every_sidecar_serves_its_connections_from_two_event_loops()
    {
        foreach (var pod in PodsFile.Read(mesh.Cli.Home).Where(p => p.Namespace == "bookinfo"))
            Assert.Equal(2, EventLoops(pod));
    }

    /// <summary>As Istio's injector does, the mesh config's <c>defaultConfig.concurrency</c> reaches the sidecars of pods
    /// started after it, and a pod's own <c>proxy.istio.io/config</c> wins over it; running pods keep theirs.</summary>
    [Fact]
    public async Task The_mesh_configs_default_concurrency_reaches_new_sidecars_and_a_pods_annotation_wins()
    {
        var folder = Directory.CreateDirectory(Path.Combine(mesh.Cli.Home, $"loops-{Guid.NewGuid():N}")).FullName;
        var manifest = Path.Combine(folder, "loops.yaml");
        await File.WriteAllTextAsync(manifest, """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: istio, namespace: istio-system}
            data:
              mesh: |
                defaultConfig:
                  concurrency: 1
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: loops-default, namespace: bookinfo}
            spec:
              selector: {matchLabels: {app: loops-default}}
              template:
                metadata: {labels: {app: loops-default}}
                spec:
                  containers:
                  - {name: app, command: [python3, -m, http.server, $(PORT), --bind, 127.0.0.1], ports: [{containerPort: 8080}]}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: loops-annotated, namespace: bookinfo}
            spec:
              selector: {matchLabels: {app: loops-annotated}}
              template:
                metadata:
                  labels: {app: loops-annotated}
                  annotations: {proxy.istio.io/config: '{"concurrency": 3}'}
                spec:
                  containers:
                  - {name: app, command: [python3, -m, http.server, $(PORT), --bind, 127.0.0.1], ports: [{containerPort: 8080}]}
            """);
        var applied = await mesh.Cli.RunAsync("apply", "-f", manifest);
        Assert.True(applied.ExitCode == 0, applied.All);
        try
        {
            await mesh.WaitUntilAsync(() => Task.FromResult(Pod("loops-default") is { Ready: true } && Pod("loops-annotated") is { Ready: true }),
                TimeSpan.FromSeconds(90), "the two new pods to be ready");
            Assert.Equal(1, EventLoops(Pod("loops-default")!));
            Assert.Equal(3, EventLoops(Pod("loops-annotated")!));
            Assert.Equal(2, EventLoops(Pod("productpage-v1")!));
        }
        finally
        {
            await mesh.Cli.RunAsync("delete", "-f", manifest);
            // The collection's other tests count Bookinfo's own pods.
            await mesh.WaitUntilAsync(() => Task.FromResult(Pod("loops-default") is null && Pod("loops-annotated") is null),
                TimeSpan.FromSeconds(60), "the two pods to be gone");
        }
    }

    private PodsFile.Pod? Pod(string deployment) => PodsFile.Read(mesh.Cli.Home).FirstOrDefault(p => p.Deployment == deployment);

    private static int EventLoops(PodsFile.Pod pod) =>
        Directory.GetDirectories($"/proc/{pod.SidecarPid}/task").Count(t => File.ReadAllText(Path.Combine(t, "comm")).Trim() == ".NET Sockets");
}
