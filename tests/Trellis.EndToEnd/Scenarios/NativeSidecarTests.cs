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
        {
            var threads = Directory.GetDirectories($"/proc/{pod.SidecarPid}/task").Select(t => File.ReadAllText(Path.Combine(t, "comm")).Trim());
            Assert.Equal(2, threads.Count(name => name == ".NET Sockets"));
        }
    }
}
