using Trellis.ControlPlane.Observability.Scraping;
using Trellis.ControlPlane.Observability.Stats;
using Trellis.ControlPlane.Observability.Traffic;

namespace Trellis.ControlPlane.Tests.Observability;

/// <summary>The per-service and per-workload pages: a RED point per scrape round for one workload, and the failures of
/// one edge.</summary>
public sealed class RedStatsTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 3, 6, 0, 0, TimeSpan.Zero);

    private static string Requests(string destination, int code, long count) =>
        $"istio_requests_total{{reporter=\"source\",source_workload=\"productpage-v1\",source_workload_namespace=\"bookinfo\"," +
        $"destination_workload=\"{destination}\",destination_workload_namespace=\"bookinfo\",destination_service_name=\"reviews\"," +
        $"destination_service_namespace=\"bookinfo\",response_code=\"{code}\"}} {count}";

    private static string Failure(string source, string service, long count) =>
        $"trellis_request_failures_total{{reporter=\"source\",source_workload=\"{source}\",source_workload_namespace=\"bookinfo\"," +
        $"destination_service_name=\"{service}\",destination_service_namespace=\"bookinfo\",route=\"default\",cluster=\"outbound|9080||{service}\"," +
        $"response_code=\"503\",response_flags=\"FI\",reason=\"fault filter abort\"}} {count}";

    /// <summary>One proxy's cumulative counters at successive scrapes five seconds apart; the first is the baseline.</summary>
    private static List<TrafficRound> Rounds(params string[][] scrapes)
    {
        var deltas = new CounterDeltas();
        var rounds = new List<TrafficRound>();
        for (var i = 0; i < scrapes.Length; i++)
        {
            var round = new TrafficRound(Start.AddSeconds(5 * i), TimeSpan.FromSeconds(5));
            RoundBuilder.Add(round, deltas, PrometheusTextReader.Read(string.Join('\n', scrapes[i]), RoundBuilder.Wanted));
            if (i > 0) rounds.Add(round);
        }
        return rounds;
    }

    [Fact]
    public void A_workloads_history_has_a_point_per_round_with_what_it_answered()
    {
        var rounds = Rounds(
            [Requests("reviews-v1", 200, 0), Requests("reviews-v2", 200, 0), Requests("reviews-v1", 503, 0)],
            [Requests("reviews-v1", 200, 10), Requests("reviews-v2", 200, 7), Requests("reviews-v1", 503, 0)],
            [Requests("reviews-v1", 200, 25), Requests("reviews-v2", 200, 7), Requests("reviews-v1", 503, 5)]);

        var points = RedStats.History(rounds, e => e.Destination.Workload == "reviews-v1");

        Assert.Equal([10L, 20L], points.Select(p => p.Requests));
        Assert.Equal([2.0, 4.0], points.Select(p => p.RequestsPerSecond));
        Assert.Equal([100.0, 75.0], points.Select(p => p.SuccessPercent!.Value));
        // The window's totals are the sum of its points: the page's chart and its summary agree.
        Assert.Equal(30, RedStats.Of(TrafficWindow.Of(rounds), Start).Workloads.Single(w => w.Name == "reviews-v1").Requests);
    }

    [Fact]
    public void A_round_without_traffic_is_a_point_without_success_or_latency()
    {
        var rounds = Rounds([Requests("reviews-v1", 200, 3)], [Requests("reviews-v1", 200, 3)]);

        var point = Assert.Single(RedStats.History(rounds, e => e.Destination.Workload == "reviews-v1"));

        Assert.Equal((0L, 0.0, null, null), (point.Requests, point.RequestsPerSecond, point.SuccessPercent, point.P95Milliseconds));
    }

    [Fact]
    public void Failures_filter_by_the_workload_that_sent_them_and_the_service_they_went_to()
    {
        var window = TrafficWindow.Of(Rounds(
            [Failure("reviews-v2", "ratings", 0), Failure("productpage-v1", "reviews", 0), Failure("reviews-v3", "ratings", 0)],
            [Failure("reviews-v2", "ratings", 4), Failure("productpage-v1", "reviews", 2), Failure("reviews-v3", "ratings", 1)]));

        Assert.Equal(3, RedStats.Failures(window).Count);
        Assert.Equal([4L], RedStats.Failures(window, source: new ObjectName("bookinfo", "reviews-v2")).Select(f => f.Count));
        Assert.Equal([4L, 1L], RedStats.Failures(window, service: new ObjectName("bookinfo", "ratings")).Select(f => f.Count));
        Assert.Empty(RedStats.Failures(window, new ObjectName("bookinfo", "productpage-v1"), new ObjectName("bookinfo", "ratings")));
    }

    [Theory]
    [InlineData("bookinfo/reviews-v1", true)]
    [InlineData("reviews-v1", false)]
    [InlineData("/reviews-v1", false)]
    [InlineData("bookinfo/", false)]
    [InlineData("a/b/c", false)]
    public void Names_are_namespace_slash_name(string text, bool valid) => Assert.Equal(valid, ObjectName.TryParse(text, out _));
}
