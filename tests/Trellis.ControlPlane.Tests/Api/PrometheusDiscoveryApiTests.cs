using System.Text.Json;
using Trellis.ControlPlane.Api;
using Trellis.ControlPlane.Mesh;
using Trellis.ControlPlane.Tests.Inputs;
using Trellis.ControlPlane.Translation;

namespace Trellis.ControlPlane.Tests.Api;

/// <summary>Prometheus finds every pod's merged metrics endpoint and the control plane's own through one http_sd URL,
/// in the format Prometheus's http_sd_configs reads, without the admin credential.</summary>
public sealed class PrometheusDiscoveryApiTests : IAsyncLifetime
{
    private readonly string _home = Directory.CreateTempSubdirectory("trellis-cp-sd-").FullName;
    private readonly CancellationTokenSource _stop = new();
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false });
    private readonly FakeWorkloads _workloads = new();
    private Task _controlPlane = Task.CompletedTask;
    private int _apiPort;

    public async Task InitializeAsync()
    {
        _apiPort = Ports.Free();
        _http.BaseAddress = new Uri($"http://127.0.0.1:{_apiPort}");
        _controlPlane = ControlPlaneHost.RunAsync(new ControlPlaneOptions(Path.Combine(_home, "store"), _workloads, Ports.Free(), _apiPort, "credential"), _stop.Token);
        for (var i = 0; i < 200; i++)
        {
            try
            {
                if ((await _http.GetAsync("/healthz")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(50);
        }
        throw new TimeoutException("the control plane did not answer /healthz");
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _controlPlane;
        }
        catch (OperationCanceledException)
        {
        }
        _http.Dispose();
        Directory.Delete(_home, recursive: true);
    }

    [Fact]
    public async Task Every_pod_with_a_running_sidecar_is_a_target_labelled_for_PromQL()
    {
        _workloads.Publish(
        [
            Pod("reviews-v2-abc", "reviews-v2", new() { ["app"] = "reviews", ["version"] = "v2" }, metricsPort: 21002),
            Pod("details-v1-def", "details-v1", new() { ["app"] = "details", ["version"] = "v1" }, metricsPort: 21012, ready: false),
            Pod("ratings-v1-ghi", "ratings-v1", new() { ["app"] = "ratings" }, metricsPort: 0),
        ]);

        var groups = await TargetsAsync();

        Assert.Equal(3, groups.Count);
        var reviews = groups.Single(g => g.Labels.GetValueOrDefault("pod") == "reviews-v2-abc");
        Assert.Equal(["127.0.0.1:21002"], reviews.Targets);
        Assert.Equal("bookinfo", reviews.Labels["namespace"]);
        Assert.Equal("reviews", reviews.Labels["app"]);
        Assert.Equal("v2", reviews.Labels["version"]);
        Assert.Equal("/stats/prometheus", reviews.Labels["__metrics_path__"]);
        // A pod that is not ready still has metrics worth scraping; one whose sidecar is not running has none.
        Assert.Contains(groups, g => g.Labels.GetValueOrDefault("pod") == "details-v1-def");
        Assert.DoesNotContain(groups, g => g.Labels.GetValueOrDefault("pod") == "ratings-v1-ghi");
    }

    [Fact]
    public async Task The_control_plane_lists_its_own_metrics_at_the_default_path()
    {
        var own = Assert.Single(await TargetsAsync());

        Assert.Equal([$"127.0.0.1:{_apiPort}"], own.Targets);
        Assert.Equal("istio-system", own.Labels["namespace"]);
        Assert.False(own.Labels.ContainsKey("__metrics_path__"));
        Assert.Contains("pilot_xds", await _http.GetStringAsync("/metrics"));
    }

    [Fact]
    public async Task A_pod_that_goes_away_leaves_the_targets()
    {
        _workloads.Publish([Pod("reviews-v2-abc", "reviews-v2", new() { ["app"] = "reviews" }, metricsPort: 21002)]);
        Assert.Equal(2, (await TargetsAsync()).Count);

        _workloads.Publish([]);

        Assert.Single(await TargetsAsync());
    }

    [Fact]
    public void A_connected_gateway_is_a_target_labelled_as_the_pods_are()
    {
        var gateway = ProxyNode.From("router~127.0.0.1~istio-ingressgateway.istio-system~istio-system.svc.cluster.local",
            new Dictionary<string, string> { [ProxyNode.AdminPortKey] = "21900", ["WORKLOAD_NAME"] = "istio-ingressgateway" },
            new Dictionary<string, string> { ["app"] = "istio-ingressgateway", ["istio"] = "ingressgateway" });
        var sidecar = ProxyNode.From("sidecar~127.0.0.1~reviews-v2-abc.bookinfo~bookinfo.svc.cluster.local",
            new Dictionary<string, string> { [ProxyNode.AdminPortKey] = "21002" }, new Dictionary<string, string>());
        WorkloadModel[] pods = [Pod("reviews-v2-abc", "reviews-v2", new() { ["app"] = "reviews" }, metricsPort: 21002)];

        var groups = PrometheusDiscoveryApi.Targets([.. pods, .. PrometheusDiscoveryApi.Gateways([gateway, sidecar], pods)], 15014);

        var found = groups.Single(g => g.Labels["pod"] == "istio-ingressgateway");
        Assert.Equal(["127.0.0.1:21900"], found.Targets);
        Assert.Equal("istio-system", found.Labels["namespace"]);
        Assert.Equal("istio-ingressgateway", found.Labels["app"]);
        Assert.Equal("/stats/prometheus", found.Labels["__metrics_path__"]);
        // A sidecar is listed once, from the workload source that knows its address.
        Assert.Single(groups, g => g.Labels["pod"] == "reviews-v2-abc");
    }

    private sealed record Group(List<string> Targets, Dictionary<string, string> Labels);

    private async Task<List<Group>> TargetsAsync()
    {
        using var response = await _http.GetAsync("/api/v1/prometheus/targets");
        response.EnsureSuccessStatusCode();
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        // Prometheus reads exactly these member names.
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.EnumerateArray().Select(g => new Group(
            g.GetProperty("targets").EnumerateArray().Select(t => t.GetString()!).ToList(),
            g.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!))).ToList();
    }

    private static WorkloadModel Pod(string name, string workload, Dictionary<string, string> labels, int metricsPort, bool ready = true) =>
        new(name, "bookinfo", workload, labels, "default", "127.0.0.1", 21001, ready, MetricsPort: metricsPort);
}
