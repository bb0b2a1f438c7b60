using System.Net;
using System.Text.Json;
using Trellis.EndToEnd.Harness;

namespace Trellis.EndToEnd.Scenarios;

/// <summary>An app's sidecar takes it to mesh services, not to the machinery of the mesh: the control plane's
/// ports, other pods' apps behind their sidecars, or any other local port, unless the mesh config allows it.</summary>
[Collection(BookinfoCollection.Name)]
public sealed class OutboundPolicyTests(BookinfoMesh mesh)
{
    private const string AllowAny = """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: istio, namespace: istio-system}
        data:
          mesh: |
            outboundTrafficPolicy:
              mode: ALLOW_ANY
        """;

    private async Task<int> ControlPlanePortAsync(string which)
    {
        var status = JsonDocument.Parse((await mesh.Cli.RunAsync("status", "-o", "json")).Stdout).RootElement;
        return new Uri(status.GetProperty("controlPlane").GetProperty(which).GetString()!).Port;
    }

    /// <summary>curl in productpage's pod, sending even loopback requests through the sidecar, as HTTP_PROXY would.</summary>
    private Task<TrellisCli.Result> CurlFromProductpageAsync(params string[] args) =>
        mesh.Cli.RunAsync(["exec", "-n", "bookinfo", "deploy/productpage-v1", "--", "curl", "-s", "--noproxy", "", .. args]);

    [Fact]
    public async Task An_app_cannot_reach_the_control_plane_api_through_its_sidecar()
    {
        var api = await ControlPlanePortAsync("api");

        var plain = await CurlFromProductpageAsync("-D", "-", "-o", "/dev/null", $"http://127.0.0.1:{api}/api/v1/status");
        Assert.StartsWith("HTTP/1.1 403", plain.Stdout);
        Assert.Contains($"x-trellis-reason: port {api} is the control plane's API port", plain.Stdout);

        var tunnel = await CurlFromProductpageAsync("-v", "-p", "-o", "/dev/null", "-w", "%{http_connect}", $"http://127.0.0.1:{api}/api/v1/status");
        Assert.Equal("403", tunnel.Stdout.Trim());
        Assert.Contains("the control plane's API port", tunnel.Stderr);
    }

    [Fact]
    public async Task An_app_cannot_reach_the_xds_port_nor_another_pods_app_behind_its_sidecar_even_under_allow_any()
    {
        var xds = await ControlPlanePortAsync("xds");
        var reviewsApp = JsonDocument.Parse((await mesh.Cli.RunAsync("get", "pods", "-n", "bookinfo", "-o", "json")).Stdout).RootElement
            .EnumerateArray().First(p => p.GetProperty("deployment").GetString() == "reviews-v1").GetProperty("appPort").GetInt32();
        try
        {
            Assert.True((await mesh.ApplyAsync(AllowAny)).ExitCode == 0);
            using var app = mesh.ClientInPod("productpage-v1");
            await mesh.WaitUntilAsync(async () => (await app.GetAsync($"http://127.0.0.1:{Unmeshed.Port}/")).StatusCode == HttpStatusCode.OK,
                TimeSpan.FromSeconds(20), "ALLOW_ANY to reach productpage's sidecar");

            foreach (var (port, reason) in new[] { (xds, $"port {xds} is the control plane's xDS port"), (reviewsApp, "the port is a pod's own") })
            {
                using var response = await app.GetAsync($"http://127.0.0.1:{port}/reviews/1");
                Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
                Assert.Contains(reason, response.Headers.GetValues("x-trellis-reason").Single());
            }
        }
        finally
        {
            await mesh.Cli.RunAsync("delete", "-f", await WriteAsync(AllowAny));
        }
    }

    [Fact]
    public async Task A_local_port_outside_the_mesh_is_refused_by_default_and_allowed_by_allow_any()
    {
        using var app = mesh.ClientInPod("productpage-v1");
        using (var refused = await app.GetAsync($"http://127.0.0.1:{Unmeshed.Port}/"))
        {
            Assert.Equal(HttpStatusCode.BadGateway, refused.StatusCode);
            Assert.Contains("outboundTrafficPolicy is REGISTRY_ONLY", refused.Headers.GetValues("x-trellis-reason").Single());
        }
        try
        {
            Assert.True((await mesh.ApplyAsync(AllowAny)).ExitCode == 0);
            await mesh.WaitUntilAsync(async () => (await app.GetAsync($"http://127.0.0.1:{Unmeshed.Port}/")).StatusCode == HttpStatusCode.OK,
                TimeSpan.FromSeconds(20), "ALLOW_ANY to let a local port through");
        }
        finally
        {
            await mesh.Cli.RunAsync("delete", "-f", await WriteAsync(AllowAny));
        }
        await mesh.WaitUntilAsync(async () => (await app.GetAsync($"http://127.0.0.1:{Unmeshed.Port}/")).StatusCode == HttpStatusCode.BadGateway,
            TimeSpan.FromSeconds(20), "the default policy to come back once the mesh config is deleted");
        Assert.Contains("Reviewer1", await app.GetStringAsync("http://reviews:9080/reviews/1"));
    }

    private async Task<string> WriteAsync(string yaml)
    {
        var file = Path.Combine(mesh.Cli.Home, $"mesh-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, yaml);
        return file;
    }

    /// <summary>A plain HTTP server on loopback that is no mesh service, like a developer's tool on the same machine.</summary>
    private static readonly LocalServer Unmeshed = new();

    private sealed class LocalServer
    {
        private readonly HttpListener _listener;

        public LocalServer()
        {
            while (true)
            {
                Port = Random.Shared.Next(40_000, 60_000);
                _listener = new HttpListener();
                _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
                try
                {
                    _listener.Start();
                    break;
                }
                catch (HttpListenerException)
                {
                }
            }
            _ = Task.Run(async () =>
            {
                while (true)
                {
                    var context = await _listener.GetContextAsync();
                    context.Response.StatusCode = 200;
                    context.Response.Close();
                }
            });
        }

        public int Port { get; }
    }
}
