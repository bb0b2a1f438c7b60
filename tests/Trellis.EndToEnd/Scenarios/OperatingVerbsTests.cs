using System.Text.Json;
using Trellis.EndToEnd.Harness;

namespace Trellis.EndToEnd.Scenarios;

/// <summary>What an operator types against a running mesh: get, logs, status, proxy-config.</summary>
[Collection(BookinfoCollection.Name)]
public sealed class OperatingVerbsTests(BookinfoMesh mesh)
{
    [Fact]
    public async Task Get_pods_lists_every_bookinfo_pod_ready_with_its_ports()
    {
        var wide = await mesh.Cli.RunAsync("get", "pods", "-n", "bookinfo", "-o", "wide");
        Assert.True(wide.ExitCode == 0, wide.All);
        var lines = wide.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("NAME", lines[0]);
        Assert.Contains("OUTBOUND", lines[0]);
        Assert.Equal(6, lines.Skip(1).Count(l => l.Contains("2/2") && l.Contains("Running")));

        var json = await mesh.Cli.RunAsync("get", "pods", "-n", "bookinfo", "-o", "json");
        Assert.Equal(6, JsonDocument.Parse(json.Stdout).RootElement.GetArrayLength());
    }

    [Fact]
    public async Task Get_with_yaml_prints_the_objects_as_they_were_applied()
    {
        var result = await mesh.Cli.RunAsync("get", "gateways", "-n", "bookinfo", "-o", "yaml");
        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("kind: Gateway", result.Stdout);
        Assert.Contains("istio: ingressgateway", result.Stdout);

        var missing = await mesh.Cli.RunAsync("get", "virtualservices", "nope", "-n", "bookinfo");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("not found", missing.Stderr);
    }

    [Fact]
    public async Task Logs_show_the_app_and_the_sidecar_of_a_deployment()
    {
        using (var client = mesh.IngressClient()) await client.GetStringAsync("/productpage");

        var proxy = await mesh.Cli.RunAsync("logs", "-n", "bookinfo", "deploy/productpage-v1", "-c", "proxy");
        Assert.True(proxy.ExitCode == 0, proxy.All);
        Assert.NotEmpty(proxy.Stdout.Trim());

        var app = await mesh.Cli.RunAsync("logs", "-n", "bookinfo", "deploy/productpage-v1");
        Assert.True(app.ExitCode == 0, app.All);
    }

    [Fact]
    public async Task Proxy_config_shows_the_subset_clusters_a_sidecar_runs()
    {
        var table = await mesh.Cli.RunAsync("proxy-config", "clusters", "deploy/productpage-v1", "-n", "bookinfo");
        Assert.True(table.ExitCode == 0, table.All);
        Assert.Contains("outbound|9080|v2|reviews.bookinfo.svc.cluster.local", table.Stdout);

        var status = JsonDocument.Parse((await mesh.Cli.RunAsync("status", "-o", "json")).Stdout).RootElement;
        Assert.True(status.GetProperty("controlPlane").GetProperty("healthy").GetBoolean());
        Assert.Equal(6, status.GetProperty("pods").GetProperty("ready").GetInt32());

        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        var metrics = (await http.GetStringAsync(status.GetProperty("monitoring").GetString())).Split('\n');
        Assert.Contains("pilot_xds{version=\"trellis\"} 7", metrics);
        Assert.Contains(metrics, l => l.StartsWith("pilot_xds_pushes{type=\"lds\"} ", StringComparison.Ordinal) && long.Parse(l.Split(' ')[1]) >= 7);
        Assert.Contains("pilot_total_xds_rejects{type=\"cds\"} 0", metrics);
    }

    /// <summary>As with istioctl: turn one logger of a sidecar up to debug while chasing a problem, and read its stats.</summary>
    [Fact]
    public async Task Proxy_config_log_changes_a_sidecars_log_levels_and_stats_prints_its_metrics()
    {
        var set = await mesh.Cli.RunAsync("proxy-config", "log", "deploy/ratings-v1", "-n", "bookinfo", "--level", "config:debug");
        try
        {
            Assert.True(set.ExitCode == 0, set.All);
            Assert.Contains("  config: debug\n", set.Stdout);
            Assert.Contains("  config: debug\n", (await mesh.Cli.RunAsync("proxy-config", "log", "deploy/ratings-v1", "-n", "bookinfo")).Stdout);

            var refused = await mesh.Cli.RunAsync("proxy-config", "log", "deploy/ratings-v1", "-n", "bookinfo", "--level", "config:loud");
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("unknown logger or level", refused.Stderr);
        }
        finally
        {
            await mesh.Cli.RunAsync("proxy-config", "log", "deploy/ratings-v1", "-n", "bookinfo", "--level", "config:info");
        }

        var stats = await mesh.Cli.RunAsync("proxy-config", "stats", "deploy/ratings-v1", "-n", "bookinfo");
        Assert.True(stats.ExitCode == 0, stats.All);
        Assert.Contains("# TYPE istio_requests_total counter", stats.Stdout);
    }
}
