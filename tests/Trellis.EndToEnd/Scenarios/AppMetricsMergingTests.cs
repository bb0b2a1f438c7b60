using System.Net;
using System.Text.Json;
using Trellis.EndToEnd.Harness;

namespace Trellis.EndToEnd.Scenarios;

/// <summary>As an operator I annotate a pod template with prometheus.io/scrape, /port and /path, as I do for Istio, and
/// one scrape of the pod's merged endpoint, found through the control plane's http_sd, gives me the proxy's istio_*
/// metrics followed by my app's own. The ingress gateway is found the same way.</summary>
[Collection(DashboardCollection.Name)]
public sealed class AppMetricsMergingTests(DashboardMesh mesh)
{
    private const string AppMetric = """shop_orders_total{shop="trellis"} 42""";

    /// <summary>A real app in local mode: Python's static file server on $PORT, serving a metrics file from the
    /// manifest's folder (a container's working directory in local mode) at a path that is not /metrics.</summary>
    private const string Manifest = """
        apiVersion: v1
        kind: Service
        metadata: {name: shop, namespace: bookinfo, labels: {app: shop}}
        spec:
          ports: [{port: 8080, name: http}]
          selector: {app: shop}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: shop-v1, namespace: bookinfo}
        spec:
          replicas: 1
          selector: {matchLabels: {app: shop, version: v1}}
          template:
            metadata:
              labels: {app: shop, version: v1}
              annotations:
                prometheus.io/scrape: "true"
                prometheus.io/port: "8080"
                prometheus.io/path: /exported/metrics.txt
            spec:
              containers:
              - name: shop
                image: python:3-slim
                command: [python3, -m, http.server, $(PORT), --bind, 127.0.0.1, --directory, site]
                ports: [{containerPort: 8080}]
        """;

    [Fact]
    public async Task The_sidecar_serves_its_istio_metrics_then_the_apps_own_and_discovery_lists_the_pod()
    {
        var folder = Directory.CreateDirectory(Path.Combine(mesh.Cli.Home, $"shop-{Guid.NewGuid():N}")).FullName;
        Directory.CreateDirectory(Path.Combine(folder, "site", "exported"));
        await File.WriteAllTextAsync(Path.Combine(folder, "site", "exported", "metrics.txt"),
            $"# HELP shop_orders_total Orders the shop took.\n# TYPE shop_orders_total counter\n{AppMetric}\n");
        var manifest = Path.Combine(folder, "shop.yaml");
        await File.WriteAllTextAsync(manifest, Manifest);
        var applied = await mesh.Cli.RunAsync("apply", "-f", manifest);
        Assert.True(applied.ExitCode == 0, applied.All);
        try
        {
            await mesh.WaitUntilAsync(() => Task.FromResult(Shop() is { Ready: true }), TimeSpan.FromSeconds(90), "the shop pod to be ready");
            // A request through the mesh, so that the shop's sidecar has counted traffic of its own.
            await mesh.WaitUntilAsync(async () =>
            {
                using var client = mesh.ClientInPod("productpage-v1");
                try
                {
                    return (await client.GetAsync("http://shop:8080/exported/metrics.txt")).StatusCode == HttpStatusCode.OK;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(30), "productpage's sidecar to route to the shop");

            var pod = Shop()!;
            var target = (await TargetsAsync()).Single(g => g.Labels.GetValueOrDefault("pod") == pod.Name);
            Assert.Equal(("bookinfo", "shop", "v1"), (target.Labels["namespace"], target.Labels["app"], target.Labels["version"]));
            Assert.Equal($"127.0.0.1:{pod.AdminPort}", Assert.Single(target.Targets));

            // What Prometheus gets from that target: the proxy's part first, the app's after it.
            var merged = await ScrapeAsync(target);
            var lines = merged.Split('\n');
            var app = Array.IndexOf(lines, AppMetric);
            Assert.True(app > 0, $"the app's metric is in the merged endpoint:\n{merged}");
            Assert.True(Prometheus.Sum(merged, "istio_requests_total", ("reporter", "destination"), ("destination_workload", "shop-v1")) > 0,
                "the shop's sidecar counts the requests it served");
            var lastIstio = lines.Select((line, i) => (line, i)).Last(l => l.line.StartsWith("istio_", StringComparison.Ordinal)).i;
            Assert.True(lastIstio < app, "the proxy's istio_* metrics come before the app's own");
        }
        finally
        {
            await mesh.Cli.RunAsync("delete", "-f", manifest);
        }
    }

    [Fact]
    public async Task The_ingress_gateway_is_a_discovery_target_labelled_like_the_pods()
    {
        var gateway = (await TargetsAsync()).Single(g => g.Labels.GetValueOrDefault("pod") == "istio-ingressgateway");

        Assert.Equal(("istio-system", "istio-ingressgateway"), (gateway.Labels["namespace"], gateway.Labels["app"]));
        Assert.True(gateway.Labels.ContainsKey("version"));
        // The mesh's start-up requests to /productpage entered through the gateway, which reports them as their source.
        Assert.True(Prometheus.Sum(await ScrapeAsync(gateway), "istio_requests_total", ("reporter", "source")) > 0);
    }

    private PodsFile.Pod? Shop() => PodsFile.Read(mesh.Cli.Home).FirstOrDefault(p => p.Deployment == "shop-v1");

    private sealed record TargetGroup(List<string> Targets, Dictionary<string, string> Labels);

    /// <summary>The control plane's http_sd answer, from the API address `trellis dashboard` prints.</summary>
    private async Task<List<TargetGroup>> TargetsAsync()
    {
        var printed = await mesh.Cli.RunAsync("dashboard");
        Assert.Equal(0, printed.ExitCode);
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        var json = await http.GetStringAsync(new Uri(new Uri(printed.Stdout.Trim()), "/api/v1/prometheus/targets"));
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.EnumerateArray().Select(g => new TargetGroup(
            g.GetProperty("targets").EnumerateArray().Select(t => t.GetString()!).ToList(),
            g.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!))).ToList();
    }

    /// <summary>What Prometheus scrapes for a target group: its address, at its __metrics_path__ (/metrics by default).</summary>
    private static async Task<string> ScrapeAsync(TargetGroup group)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
        return await http.GetStringAsync($"http://{Assert.Single(group.Targets)}{group.Labels.GetValueOrDefault("__metrics_path__", "/metrics")}");
    }
}
