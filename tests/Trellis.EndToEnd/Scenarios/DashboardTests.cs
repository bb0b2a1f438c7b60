using System.Globalization;
using System.Net;
using System.Text.Json;
using Trellis.EndToEnd.Harness;

namespace Trellis.EndToEnd.Scenarios;

/// <summary>As an operator I run `trellis dashboard`, open the URL it prints in a browser while Bookinfo takes traffic,
/// and see the service graph with the numbers the proxies' own metrics give; when requests fail, the dashboard tells
/// me on which hop, with which response flags and why. `trellis top` shows the same figures in the terminal.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardTests(DashboardMesh mesh)
{
    private const string Gateway = "workload:istio-system/istio-ingressgateway";
    private const string ProductPage = "service:bookinfo/productpage";
    private const string Details = "service:bookinfo/details";
    private const string Reviews = "service:bookinfo/reviews";
    private const string ProductPageWorkload = "bookinfo/productpage-v1";

    [BrowserFact]
    public async Task The_service_graph_shows_bookinfo_with_the_numbers_its_proxies_count()
    {
        var url = await DashboardUrlAsync();
        await WarmUpAsync();
        var before = await StableGraphAsync();
        var gatewayBefore = await GatewayRequestsToProductPageAsync();

        const int requests = 40;
        using (var client = mesh.IngressClient())
            for (var i = 0; i < requests; i++)
                Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/productpage")).StatusCode);

        await mesh.WaitUntilAsync(async () =>
        {
            var graph = await GraphAsync();
            return Requests(graph, Gateway, ProductPage) == Requests(before, Gateway, ProductPage) + requests
                && Requests(graph, "workload:bookinfo/productpage-v1", Details) == Requests(before, "workload:bookinfo/productpage-v1", Details) + requests
                && Requests(graph, "workload:bookinfo/productpage-v1", Reviews) == Requests(before, "workload:bookinfo/productpage-v1", Reviews) + requests;
        }, TimeSpan.FromSeconds(30), "the graph to count the 40 requests on every hop of /productpage");
        Assert.Equal(requests, await GatewayRequestsToProductPageAsync() - gatewayBefore);

        var seen = await DashboardBrowser.InspectAsync(url + "?window=900", "service-graph");
        Assert.Empty(seen.GetProperty("consoleErrors").EnumerateArray());
        var graph = await GraphAsync();
        var nodes = seen.GetProperty("graph").GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("id").GetString()).ToHashSet();
        foreach (var workload in new[] { "productpage-v1", "details-v1", "reviews-v1", "reviews-v2", "reviews-v3", "ratings-v1" })
            Assert.Contains($"workload:bookinfo/{workload}", nodes);
        Assert.Contains(Gateway, nodes);
        AssertEachNamespaceIsABoxAroundItsNodes(seen.GetProperty("graph"));

        var edges = seen.GetProperty("graph").GetProperty("edges").EnumerateArray().ToList();
        var entry = edges.Single(e => e.GetProperty("source").GetString() == Gateway && e.GetProperty("target").GetString() == ProductPage);
        Assert.Equal(Requests(graph, Gateway, ProductPage), entry.GetProperty("requests").GetInt64());
        Assert.Contains("rps", entry.GetProperty("label").GetString());

        // Auto mTLS between sidecars: the destinations report every request arriving over mutual TLS.
        var intoDetails = edges.Single(e => e.GetProperty("source").GetString() == "workload:bookinfo/productpage-v1" && e.GetProperty("target").GetString() == Details);
        Assert.True(intoDetails.GetProperty("mutualTls").GetBoolean());

        // The three reviews versions split the service's traffic, and the shares add up.
        var split = edges.Where(e => e.GetProperty("source").GetString() == Reviews).ToList();
        Assert.Equal(3, split.Count);
        Assert.InRange(split.Sum(e => e.GetProperty("sharePercent").GetDouble()), 99.9, 100.1);
        Assert.True(File.Exists(Repo.Path("artifacts", "screenshots", "service-graph", "graph.png")));

        var services = seen.GetProperty("services").EnumerateArray().Select(s => s.GetProperty("name").GetString()).ToList();
        Assert.Contains("bookinfo/productpage", services);

        var top = await mesh.Cli.RunAsync("top", "--once");
        Assert.Equal(0, top.ExitCode);
        var productPageRow = top.Stdout.Split('\n').Single(l => l.StartsWith("productpage ", StringComparison.Ordinal));
        Assert.Contains("100.00%", productPageRow);
    }

    [BrowserFact]
    public async Task Why_it_failed_names_the_hop_the_response_flags_and_the_reason()
    {
        var url = await DashboardUrlAsync();
        await WarmUpAsync();
        var missing = $"/no-such-page-{Guid.NewGuid():N}";
        const int misses = 7;
        using (var client = mesh.IngressClient())
            for (var i = 0; i < misses; i++)
                Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(missing)).StatusCode);

        var manifest = Path.Combine(mesh.Cli.Home, $"ratings-abort-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(manifest, """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: ratings-abort, namespace: bookinfo}
            spec:
              hosts: [ratings]
              http:
              - fault:
                  abort: {httpStatus: 503, percentage: {value: 100}}
                route:
                - destination: {host: ratings}
            """);
        Assert.Equal(0, (await mesh.Cli.RunAsync("apply", "-f", manifest)).ExitCode);
        try
        {
            await mesh.WaitUntilAsync(async () =>
            {
                using (var client = mesh.IngressClient()) await client.GetAsync("/productpage");
                var failures = await FailuresAsync();
                return failures.Any(f => f.GetProperty("responseFlags").GetString() == "FI" && f.GetProperty("service").GetString() == "ratings")
                    && failures.Any(f => f.GetProperty("reason").GetString()!.Contains(missing, StringComparison.Ordinal) && f.GetProperty("count").GetInt64() == misses);
            }, TimeSpan.FromSeconds(45), "the dashboard to list the injected aborts and the unrouted requests");

            var seen = await DashboardBrowser.InspectAsync(url + "?window=900", "why-it-failed");
            Assert.Empty(seen.GetProperty("consoleErrors").EnumerateArray());
            var rows = seen.GetProperty("failures").EnumerateArray().ToList();
            var unrouted = rows.Single(r => r.GetProperty("cells").EnumerateArray().Any(c => c.GetString()!.Contains(missing, StringComparison.Ordinal)));
            Assert.Equal("NR", unrouted.GetProperty("flags").GetString());
            Assert.Equal("404", unrouted.GetProperty("code").GetString());
            Assert.Equal(misses.ToString(), unrouted.GetProperty("cells").EnumerateArray().Last().GetString());

            var aborted = rows.First(r => r.GetProperty("flags").GetString() == "FI");
            var cells = aborted.GetProperty("cells").EnumerateArray().Select(c => c.GetString()!).ToList();
            Assert.Equal("503", aborted.GetProperty("code").GetString());
            Assert.Matches(@"^reviews-v[23]\.bookinfo → ratings\.bookinfo$", cells[0]);
            Assert.Equal("outbound|9080||ratings.bookinfo.svc.cluster.local", cells[6]);

            var graph = await GraphAsync();
            var intoRatings = graph.GetProperty("edges").EnumerateArray()
                .Where(e => e.GetProperty("target").GetString() == "service:bookinfo/ratings" && e.GetProperty("errorPercent").GetDouble() > 0);
            Assert.NotEmpty(intoRatings);
        }
        finally
        {
            await mesh.Cli.RunAsync("delete", "-f", manifest);
        }
    }

    [BrowserFact]
    public async Task A_workload_page_charts_its_traffic_with_the_numbers_of_the_stats()
    {
        var url = await DashboardUrlAsync();
        await WarmUpAsync();
        using (var client = mesh.IngressClient())
            for (var i = 0; i < 20; i++)
                Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/productpage")).StatusCode);
        await StableGraphAsync();

        var before = await WorkloadStatsAsync(ProductPageWorkload);
        var seen = await DashboardBrowser.InspectAsync(url + "?window=900", "workload-page", ProductPageWorkload);
        var after = await WorkloadStatsAsync(ProductPageWorkload);
        Assert.Empty(seen.GetProperty("consoleErrors").EnumerateArray());
        AssertEachNamespaceIsABoxAroundItsNodes(seen.GetProperty("graph"));

        // Clicking the node in the graph opened the workload's own page.
        var page = seen.GetProperty("workloadPage");
        Assert.Equal("#/workload/" + ProductPageWorkload, page.GetProperty("hash").GetString());
        Assert.Contains("productpage-v1.bookinfo", page.GetProperty("heading").GetString());

        // Its figures are the stats API's over the same window (nothing was sent while the browser looked, but rounds
        // older than the window may have aged out in between), and its chart's points add up to them.
        var summary = page.GetProperty("summary");
        var shown = long.Parse(summary.GetProperty("requests").GetString()!, CultureInfo.InvariantCulture);
        Assert.InRange(shown, Math.Min(Requests(before), Requests(after)), Math.Max(Requests(before), Requests(after)));
        Assert.Equal(shown, long.Parse(summary.GetProperty("historyRequests").GetString()!, CultureInfo.InvariantCulture));
        if (Requests(before) == Requests(after))
        {
            foreach (var (attribute, field) in new[] { ("p50", "p50Milliseconds"), ("p95", "p95Milliseconds"), ("p99", "p99Milliseconds"), ("successPercent", "successPercent") })
                Assert.Equal(after.GetProperty(field).GetDouble(), double.Parse(summary.GetProperty(attribute).GetString()!, CultureInfo.InvariantCulture), 6);
        }

        var charts = page.GetProperty("charts").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetString()!);
        Assert.Equal(["chart-errors", "chart-latency", "chart-requests"], charts.Keys.Order());
        var requestsChart = charts["chart-requests"];
        Assert.True(requestsChart.GetProperty("points").GetInt32() >= 2, "the requests chart has a point per scrape round");
        Assert.Equal(requestsChart.GetProperty("points").GetInt32(), requestsChart.GetProperty("lines").EnumerateArray().Sum(l => l.GetProperty("points").GetInt32()));
        Assert.Equal(["p50", "p95", "p99"], charts["chart-latency"].GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("series").GetString()).Distinct());

        Assert.Contains(page.GetProperty("inbound").EnumerateArray(), e => e.GetProperty("source").GetString() == ProductPage);
        var calls = page.GetProperty("outbound").EnumerateArray().Select(e => e.GetProperty("target").GetString()).ToList();
        Assert.Contains(Details, calls);
        Assert.Contains(Reviews, calls);
        var proxy = Assert.Single(page.GetProperty("proxies").EnumerateArray());
        Assert.StartsWith("productpage-v1-", proxy.GetProperty("pod").GetString());
        Assert.Equal("SYNCED", proxy.GetProperty("state").GetString());
        Assert.True(File.Exists(Repo.Path("artifacts", "screenshots", "workload-page", "workload.png")));

        // Its inbound edge links to the service's page, whose chart adds up to the same figures and which leads back to it.
        var service = seen.GetProperty("servicePage");
        Assert.Equal("#/service/bookinfo/productpage", service.GetProperty("hash").GetString());
        var serviceSummary = service.GetProperty("summary");
        Assert.Equal(serviceSummary.GetProperty("requests").GetString(), serviceSummary.GetProperty("historyRequests").GetString());
        Assert.Equal(["workload:bookinfo/productpage-v1"], service.GetProperty("outbound").EnumerateArray().Select(t => t.GetString()));
    }

    /// <summary>Kiali's grouping: a labelled box per namespace, each node of the namespace inside it.</summary>
    private static void AssertEachNamespaceIsABoxAroundItsNodes(JsonElement graph)
    {
        var boxes = graph.GetProperty("namespaces").EnumerateArray().ToDictionary(b => b.GetProperty("namespace").GetString()!);
        var nodes = graph.GetProperty("nodes").EnumerateArray().Where(n => n.GetProperty("kind").GetString() != "unknown").ToList();
        Assert.Equal(nodes.Select(n => n.GetProperty("namespace").GetString()!).Distinct().Order(), boxes.Keys.Order());
        Assert.Contains("bookinfo", boxes.Keys);
        Assert.Contains("istio-system", boxes.Keys);
        foreach (var (name, box) in boxes) Assert.Contains(name, box.GetProperty("label").GetString());
        foreach (var node in nodes)
        {
            var outer = boxes[node.GetProperty("namespace").GetString()!].GetProperty("bounds");
            var inner = node.GetProperty("bounds");
            Assert.True(Inside(inner, outer), $"{node.GetProperty("id").GetString()} lies inside its namespace's box");
        }
    }

    private static bool Inside(JsonElement inner, JsonElement outer) =>
        inner.GetProperty("left").GetDouble() >= outer.GetProperty("left").GetDouble()
        && inner.GetProperty("right").GetDouble() <= outer.GetProperty("right").GetDouble()
        && inner.GetProperty("top").GetDouble() >= outer.GetProperty("top").GetDouble()
        && inner.GetProperty("bottom").GetDouble() <= outer.GetProperty("bottom").GetDouble();

    private static long Requests(JsonElement workloadStats) => workloadStats.GetProperty("requests").GetInt64();

    private async Task<JsonElement> WorkloadStatsAsync(string workload) => (await GetJsonAsync("/api/v1/stats?window=900"))
        .GetProperty("workloads").EnumerateArray()
        .Single(w => $"{w.GetProperty("namespace").GetString()}/{w.GetProperty("name").GetString()}" == workload);

    private async Task<string> DashboardUrlAsync()
    {
        var printed = await mesh.Cli.RunAsync("dashboard");
        Assert.Equal(0, printed.ExitCode);
        var url = printed.Stdout.Trim();
        Assert.Matches(@"^http://127\.0\.0\.1:\d+/dashboard/$", url);
        return url;
    }

    /// <summary>The control plane counts from its first scrape of each proxy; /productpage until every hop has an edge.</summary>
    private async Task WarmUpAsync() => await mesh.WaitUntilAsync(async () =>
    {
        using (var client = mesh.IngressClient()) await client.GetAsync("/productpage");
        var graph = await GraphAsync();
        return Requests(graph, Gateway, ProductPage) > 0 && Requests(graph, "workload:bookinfo/productpage-v1", Details) > 0
            && Requests(graph, "workload:bookinfo/productpage-v1", Reviews) > 0;
    }, TimeSpan.FromSeconds(60), "the graph to show traffic on every hop of /productpage");

    /// <summary>Counts that two scrapes apart are the same: nothing sent earlier is still to be counted.</summary>
    private async Task<JsonElement> StableGraphAsync()
    {
        var previous = await GraphAsync();
        for (var attempt = 0; attempt < 10; attempt++)
        {
            await Task.Delay(TimeSpan.FromSeconds(6));
            var current = await GraphAsync();
            if (Requests(current, Gateway, ProductPage) == Requests(previous, Gateway, ProductPage)) return current;
            previous = current;
        }
        throw new TimeoutException("the graph's counts did not settle");
    }

    private static long Requests(JsonElement graph, string source, string target) => graph.GetProperty("edges").EnumerateArray()
        .Where(e => e.GetProperty("source").GetString() == source && e.GetProperty("target").GetString() == target)
        .Sum(e => e.GetProperty("requests").GetInt64());

    private async Task<JsonElement> GraphAsync() => await GetJsonAsync("/api/v1/graph?window=900");

    private async Task<List<JsonElement>> FailuresAsync() => (await GetJsonAsync("/api/v1/failures?window=900")).EnumerateArray().ToList();

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        var url = await DashboardUrlAsync();
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        return JsonDocument.Parse(await http.GetStringAsync(path)).RootElement.Clone();
    }

    /// <summary>What the gateway's own metrics say it sent to productpage.</summary>
    private async Task<double> GatewayRequestsToProductPageAsync()
    {
        var status = await mesh.Cli.RunAsync("status", "-o", "json");
        var admin = JsonDocument.Parse(status.Stdout).RootElement.GetProperty("ingress").GetProperty("admin").GetString();
        using var http = new HttpClient();
        var text = await http.GetStringAsync($"{admin}/stats/prometheus");
        return Prometheus.Sum(text, "istio_requests_total", ("reporter", "source"), ("destination_service_name", "productpage"));
    }
}
