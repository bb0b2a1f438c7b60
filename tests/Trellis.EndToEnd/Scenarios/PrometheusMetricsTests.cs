using Trellis.EndToEnd.Harness;

namespace Trellis.EndToEnd.Scenarios;

/// <summary>As an operator I run `trellis dashboard prometheus` against Bookinfo and the PromQL I already use with
/// Istio answers with the traffic I sent: request counts per service, rates, P95 latency per service, and the 5xx ratio.</summary>
[Collection(BookinfoCollection.Name)]
public sealed class PrometheusMetricsTests(BookinfoMesh mesh)
{
    private const string ProductPageRequests =
        """sum(istio_requests_total{reporter="destination",namespace="bookinfo",destination_service_name="productpage"})""";

    private const string RatingsAbort = """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: ratings-abort-for-metrics, namespace: bookinfo}
        spec:
          hosts: [ratings]
          http:
          - fault:
              abort: {httpStatus: 500, percentage: {value: 100}}
            route:
            - destination: {host: ratings}
        """;

    [Fact]
    public async Task The_seeds_queries_answer_with_the_traffic_sent_through_Bookinfo()
    {
        await using var prometheus = PrometheusDashboard.Start(mesh.Cli, Free());
        await mesh.WaitUntilAsync(async () => !prometheus.HasExited && prometheus.Output.Contains($"Prometheus: http://127.0.0.1:{prometheus.Port}"),
            TimeSpan.FromSeconds(90), $"`trellis dashboard prometheus` to print its URL (it said: {prometheus.Output})");

        // The mesh's start-up traffic is already counted: wait for a first scrape, then for the value to hold still.
        double before = -1;
        await mesh.WaitUntilAsync(async () =>
        {
            var now = await ValueAsync(prometheus, ProductPageRequests);
            var stable = now is { } v && v == before;
            before = now ?? -1;
            if (!stable) await Task.Delay(TimeSpan.FromSeconds(6));
            return stable;
        }, TimeSpan.FromSeconds(90), "Prometheus to scrape productpage's sidecar");

        const int sent = 20;
        using (var client = mesh.IngressClient())
        {
            for (var i = 0; i < sent; i++) Assert.True((await client.GetAsync("/productpage")).IsSuccessStatusCode);
        }
        await mesh.WaitUntilAsync(async () => await ValueAsync(prometheus, ProductPageRequests) == before + sent,
            TimeSpan.FromSeconds(30), $"productpage's count to grow by exactly {sent} from {before}");

        var rates = await prometheus.QueryAsync("""rate(istio_requests_total{reporter="destination",namespace="bookinfo"}[1m])""");
        Assert.Contains(rates, r => r.Labels["destination_service_name"] == "productpage" && r.Value > 0);
        Assert.All(rates, r => Assert.Equal("bookinfo", r.Labels["namespace"]));
        Assert.All(rates, r => Assert.True(r.Labels.ContainsKey("pod") && r.Labels.ContainsKey("app") && r.Labels.ContainsKey("version")));

        // Each sidecar is scraped on its own schedule: a service's latency shows once two of its scrapes saw traffic.
        const string p95 = """histogram_quantile(0.95, sum(rate(istio_request_duration_milliseconds_bucket{reporter="destination"}[1m])) by (le, destination_service_name))""";
        string[] services = ["productpage", "details", "reviews"];
        await mesh.WaitUntilAsync(async () =>
        {
            var latencies = await prometheus.QueryAsync(p95);
            return services.All(s => latencies.Any(r => r.Labels["destination_service_name"] == s && r.Value > 0 && double.IsFinite(r.Value)));
        }, TimeSpan.FromSeconds(30), "a P95 latency for each of " + string.Join(", ", services));

        var manifest = Path.Combine(mesh.Cli.Home, "ratings-abort-for-metrics.yaml");
        await File.WriteAllTextAsync(manifest, RatingsAbort);
        Assert.Equal(0, (await mesh.Cli.RunAsync("apply", "-f", manifest)).ExitCode);
        try
        {
            // reviews v2 and v3 call ratings; the abort is injected by their sidecars, which report it as the source.
            const string errorRatio = """
                sum(rate(istio_requests_total{reporter="source",response_code=~"5..",destination_service_name="ratings"}[1m])) by (destination_service_name)
                / sum(rate(istio_requests_total{reporter="source",destination_service_name="ratings"}[1m])) by (destination_service_name)
                """;
            await mesh.WaitUntilAsync(async () =>
            {
                using var client = mesh.IngressClient();
                for (var i = 0; i < 6; i++) await client.GetAsync("/productpage");
                return (await prometheus.QueryAsync(errorRatio)) is [var ratio] && ratio.Value > 0 && ratio.Value <= 1;
            }, TimeSpan.FromSeconds(60), "the 5xx ratio of ratings to show the injected aborts");
            var aborted = await ValueAsync(prometheus,
                """sum(istio_requests_total{reporter="source",namespace="bookinfo",destination_service_name="ratings",response_code="500",response_flags="FI"})""");
            Assert.True(aborted > 0, "the aborts are counted with Envoy's FI flag");
        }
        finally
        {
            await mesh.Cli.RunAsync("delete", "-f", manifest);
        }
    }

    private static async Task<double?> ValueAsync(PrometheusDashboard prometheus, string promql) =>
        (await prometheus.QueryAsync(promql)) is [var only] ? only.Value : null;

    private static int Free()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
