using System.Net;
using System.Text.Json;
using Trellis.EndToEnd.Harness;

namespace Trellis.EndToEnd.Scenarios;

/// <summary>Operating the mesh: the data plane outlives its control plane, a restarted control
/// plane resyncs every proxy, and `trellis down` leaves nothing behind.</summary>
public sealed class MeshLifecycleTests : IAsyncLifetime
{
    private readonly BookinfoMesh _mesh = new();

    public Task InitializeAsync() => _mesh.InitializeAsync();

    public Task DisposeAsync() => _mesh.DisposeAsync();

    [Fact]
    public async Task Killing_the_control_plane_keeps_traffic_flowing_and_its_restart_resyncs_every_proxy()
    {
        var status = await _mesh.Cli.RunAsync("status", "-o", "json");
        Assert.True(status.ExitCode == 0, status.All);
        var cpPid = JsonDocument.Parse(status.Stdout).RootElement.GetProperty("controlPlane").GetProperty("pid").GetInt32();

        Assert.True(cpPid > 1, $"status reported control-plane pid {cpPid}");
        using (var cp = System.Diagnostics.Process.GetProcessById(cpPid)) cp.Kill();

        using var ingress = _mesh.IngressClient();
        using var inPod = _mesh.ClientInPod("productpage-v1");
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await ingress.GetAsync("/productpage")).StatusCode);
            Assert.Contains("reviews", await inPod.GetStringAsync("http://reviews:9080/reviews/0"));
        }

        await _mesh.WaitUntilAsync(async () =>
        {
            var ps = await _mesh.Cli.RunAsync("proxy-status", "-o", "json");
            if (ps.ExitCode != 0) return false;
            var proxies = JsonDocument.Parse(ps.Stdout).RootElement.EnumerateArray().ToList();
            // Six sidecars and the ingress gateway, every type acked at the version sent.
            return proxies.Count == 7 && proxies.All(p => p.GetProperty("types").EnumerateArray().All(t =>
                Text(t, "sentVersion") is { } sent && Text(t, "ackedVersion") == sent));
        }, TimeSpan.FromSeconds(30), "the restarted control plane to resync all seven proxies");

        var newStatus = JsonDocument.Parse((await _mesh.Cli.RunAsync("status", "-o", "json")).Stdout).RootElement;
        Assert.NotEqual(cpPid, newStatus.GetProperty("controlPlane").GetProperty("pid").GetInt32());
    }

    /// <summary>-o json leaves out fields that have no value yet.</summary>
    private static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.GetString() : null;

    [Fact]
    public async Task Down_stops_every_process_and_frees_the_ingress_port()
    {
        var pids = PodsFile.Read(_mesh.Cli.Home).SelectMany(p => new[] { p.AppPid, p.SidecarPid }).OfType<int>().ToList();
        Assert.Equal(12, pids.Count);

        var down = await _mesh.Cli.RunAsync("down");
        Assert.True(down.ExitCode == 0, down.All);

        Assert.True(_mesh.UpHasExited, "trellis up is still running after trellis down");
        Assert.All(pids, pid => Assert.False(Directory.Exists($"/proc/{pid}"), $"process {pid} outlived the mesh"));
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, _mesh.IngressPort);
        listener.Start();
        listener.Stop();
    }
}
