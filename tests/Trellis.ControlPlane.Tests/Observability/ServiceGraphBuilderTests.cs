using Trellis.ControlPlane.Observability.Graph;
using Trellis.ControlPlane.Observability.Scraping;
using Trellis.ControlPlane.Observability.Stats;
using Trellis.ControlPlane.Observability.Traffic;

namespace Trellis.ControlPlane.Tests.Observability;

public sealed class ServiceGraphBuilderTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 6, 0, 0, TimeSpan.Zero);

    private static string Line(string reporter, string source, string service, string destination, int code, long count, string security = "unknown") =>
        $"istio_requests_total{{reporter=\"{reporter}\",source_workload=\"{source}\",source_workload_namespace=\"{Ns(source)}\",source_app=\"{App(source)}\",source_version=\"v1\"," +
        $"destination_workload=\"{destination}\",destination_workload_namespace=\"{Ns(destination)}\",destination_app=\"{App(destination)}\",destination_version=\"{Version(destination)}\"," +
        $"destination_service_name=\"{service}\",destination_service_namespace=\"bookinfo\",response_code=\"{code}\",connection_security_policy=\"{security}\"}} {count}";

    private static string Ns(string workload) => workload == "unknown" ? "unknown" : workload.StartsWith("istio", StringComparison.Ordinal) ? "istio-system" : "bookinfo";
    private static string App(string workload) => workload.Split('-')[0];
    private static string Version(string workload) => workload.Split('-').Last();

    /// <summary>Two scrapes ten seconds apart: all zero, then the given counts.</summary>
    private static TrafficWindow Window(params string[][] proxies)
    {
        var deltas = proxies.Select(_ => new CounterDeltas()).ToList();
        var baseline = new TrafficRound(Now.AddSeconds(-10), TimeSpan.FromSeconds(10));
        var round = new TrafficRound(Now, TimeSpan.FromSeconds(10));
        for (var i = 0; i < proxies.Length; i++)
        {
            var zero = string.Join('\n', proxies[i].Select(l => l[..l.LastIndexOf(' ')] + " 0"));
            RoundBuilder.Add(baseline, deltas[i], PrometheusTextReader.Read(zero, RoundBuilder.Wanted));
            RoundBuilder.Add(round, deltas[i], PrometheusTextReader.Read(string.Join('\n', proxies[i]), RoundBuilder.Wanted));
        }
        return TrafficWindow.Of([round]);
    }

    private static TrafficWindow Bookinfo() => Window(
        [
            Line("source", "istio-ingressgateway", "productpage", "productpage-v1", 200, 8),
            Line("source", "istio-ingressgateway", "productpage", "productpage-v1", 503, 2),
        ],
        [
            Line("destination", "istio-ingressgateway", "productpage", "productpage-v1", 200, 8, "mutual_tls"),
            Line("destination", "istio-ingressgateway", "productpage", "productpage-v1", 503, 2, "mutual_tls"),
            Line("source", "productpage-v1", "reviews", "reviews-v1", 200, 6),
            Line("source", "productpage-v1", "reviews", "reviews-v2", 200, 4),
        ],
        [
            Line("destination", "productpage-v1", "reviews", "reviews-v1", 200, 6, "none"),
            Line("destination", "unknown", "reviews", "reviews-v1", 200, 5, "none"),
        ]);

    [Fact]
    public void Each_request_is_counted_once_by_the_proxy_that_sent_it()
    {
        var graph = ServiceGraphBuilder.Build(Bookinfo(), [], Now);
        var entry = Edge(graph, "workload:istio-system/istio-ingressgateway", "service:bookinfo/productpage");
        Assert.Equal(10, entry.Requests);
        Assert.Equal(1.0, entry.RequestsPerSecond, 6);
        Assert.Equal(20, entry.ErrorPercent, 6);
        Assert.Equal(10, Edge(graph, "service:bookinfo/productpage", "workload:bookinfo/productpage-v1").Requests);
    }

    [Fact]
    public void The_padlock_shows_only_where_the_destination_saw_every_request_over_mutual_tls()
    {
        var graph = ServiceGraphBuilder.Build(Bookinfo(), [], Now);
        Assert.True(Edge(graph, "workload:istio-system/istio-ingressgateway", "service:bookinfo/productpage").MutualTls);
        Assert.False(Edge(graph, "workload:bookinfo/productpage-v1", "service:bookinfo/reviews").MutualTls);
    }

    [Fact]
    public void A_service_shows_how_its_traffic_splits_over_versions()
    {
        var graph = ServiceGraphBuilder.Build(Bookinfo(), [], Now);
        // reviews-v1 also took 5 requests from outside the mesh, which only its own proxy reported.
        Assert.Equal(11.0 / 15 * 100, Edge(graph, "service:bookinfo/reviews", "workload:bookinfo/reviews-v1").SharePercent!.Value, 6);
        Assert.Equal(4.0 / 15 * 100, Edge(graph, "service:bookinfo/reviews", "workload:bookinfo/reviews-v2").SharePercent!.Value, 6);
        Assert.Equal(5, Edge(graph, "unknown", "service:bookinfo/reviews").Requests);
    }

    [Fact]
    public void Connected_proxies_without_traffic_are_nodes_too()
    {
        var graph = ServiceGraphBuilder.Build(new TrafficWindow(), [new WorkloadName("bookinfo", "details-v1", "details", "v1")], Now);
        var node = Assert.Single(graph.Nodes);
        Assert.Equal(("workload:bookinfo/details-v1", "details", "v1"), (node.Id, node.App, node.Version));
        Assert.Empty(graph.Edges);
    }

    [Fact]
    public void Red_stats_count_5xx_as_failures_and_report_the_mutual_tls_share()
    {
        var stats = RedStats.Of(Bookinfo(), Now);
        var productPage = stats.Services.Single(s => s.Name == "productpage");
        Assert.Equal(80, productPage.SuccessPercent!.Value, 6);
        Assert.Equal(100, productPage.MutualTlsPercent!.Value, 6);
        Assert.Equal(["productpage-v1", "reviews-v1", "reviews-v2"], stats.Workloads.Select(w => w.Name));
    }

    private static GraphEdgeDto Edge(ServiceGraphDto graph, string source, string target) =>
        graph.Edges.Single(e => e.Source == source && e.Target == target);
}
