using System.Net;
using Trellis.EndToEnd.Harness;

namespace Trellis.EndToEnd.Scenarios;

/// <summary>The seed's Bookinfo exercises: the product page through the ingress gateway, then
/// canary weights and header routing on reviews, as a user applies them with `trellis apply`.</summary>
[Collection(BookinfoCollection.Name)]
public sealed class BookinfoTrafficTests(BookinfoMesh mesh)
{
    private const string DestinationRules = """
        apiVersion: networking.istio.io/v1beta1
        kind: DestinationRule
        metadata:
          name: reviews
          namespace: bookinfo
        spec:
          host: reviews
          subsets:
          - name: v1
            labels:
              version: v1
          - name: v2
            labels:
              version: v2
          - name: v3
            labels:
              version: v3
        """;

    private static string ReviewsWeights(int v1, int v2) => $"""
        apiVersion: networking.istio.io/v1beta1
        kind: VirtualService
        metadata:
          name: reviews
          namespace: bookinfo
        spec:
          hosts:
          - reviews
          http:
          - route:
            - destination:
                host: reviews
                subset: v1
              weight: {v1}
            - destination:
                host: reviews
                subset: v2
              weight: {v2}
        """;

    [Fact]
    public async Task Product_page_is_served_through_the_ingress_gateway_with_all_three_reviews_versions()
    {
        var file = Path.Combine(mesh.Cli.Home, "reviews-vs.yaml");
        await File.WriteAllTextAsync(file, ReviewsWeights(100, 0));
        await mesh.Cli.RunAsync("delete", "-f", file);
        using var client = mesh.IngressClient();
        var seen = new HashSet<string>();
        for (var i = 0; i < 30 && seen.Count < 3; i++)
        {
            var html = await client.GetStringAsync("/productpage");
            Assert.Contains("Simple Bookstore App", html);
            seen.Add(!html.Contains('\u2605') ? "v1" : html.Contains("<font color=\"red\">") ? "v3" : "v2");
        }
        Assert.Equal(3, seen.Count);
    }

    [Fact]
    public async Task A_90_10_split_lands_within_the_binomial_bound_over_1000_requests()
    {
        Assert.Equal(0, (await mesh.ApplyAsync(DestinationRules)).ExitCode);
        var apply = await mesh.ApplyAsync(ReviewsWeights(90, 10));
        Assert.True(apply.ExitCode == 0, apply.All);
        using var client = mesh.ClientInPod("productpage-v1");
        await WaitForOnlyAsync(client, ["v1", "v2"]);

        var counts = new Dictionary<string, int>();
        for (var i = 0; i < 1000; i++)
        {
            var version = BookinfoMesh.ReviewsVersion(await client.GetStringAsync("http://reviews:9080/reviews/0"));
            counts[version] = counts.GetValueOrDefault(version) + 1;
        }
        // n=1000, p=0.1: sd = 9.49; the two-sided 99.9% bound is 3.29 sd = ±31.
        Assert.InRange(counts.GetValueOrDefault("v2"), 69, 131);
        Assert.Equal(1000, counts.GetValueOrDefault("v1") + counts.GetValueOrDefault("v2"));
    }

    [Fact]
    public async Task The_end_user_jason_is_always_routed_to_v2()
    {
        using var client = mesh.ClientInPod("productpage-v1");
        await ApplyJasonToV2Async(client);
        for (var i = 0; i < 50; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "http://reviews:9080/reviews/0");
            request.Headers.Add("end-user", "jason");
            using var response = await client.SendAsync(request);
            Assert.Equal("v2", BookinfoMesh.ReviewsVersion(await response.Content.ReadAsStringAsync()));
        }
    }

    [Fact]
    public async Task A_live_weight_change_takes_effect_within_a_second_without_failing_a_request()
    {
        Assert.Equal(0, (await mesh.ApplyAsync(DestinationRules)).ExitCode);
        Assert.Equal(0, (await mesh.ApplyAsync(ReviewsWeights(100, 0))).ExitCode);
        using var client = mesh.ClientInPod("productpage-v1");
        await WaitForOnlyAsync(client, ["v1"]);

        using var stop = new CancellationTokenSource();
        var failures = 0;
        var sent = 0;
        var lastV1 = DateTimeOffset.MinValue;
        var gate = new object();
        var load = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await client.GetAsync("http://reviews:9080/reviews/0");
                    var body = await response.Content.ReadAsStringAsync();
                    Interlocked.Increment(ref sent);
                    if (response.StatusCode != HttpStatusCode.OK) { Interlocked.Increment(ref failures); continue; }
                    if (BookinfoMesh.ReviewsVersion(body) == "v1") lock (gate) lastV1 = DateTimeOffset.UtcNow;
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })).ToList();

        await Task.Delay(500);
        var applyStarted = DateTimeOffset.UtcNow;
        var apply = await mesh.ApplyAsync(ReviewsWeights(0, 100));
        var applied = DateTimeOffset.UtcNow;
        Assert.True(apply.ExitCode == 0, apply.All);
        await Task.Delay(2000);
        await stop.CancelAsync();
        await Task.WhenAll(load);

        Assert.Equal(0, failures);
        Assert.True(sent > 50, $"only {sent} requests were sent during the change");
        // The last v1 answer came less than a second after the apply command returned.
        Assert.True(lastV1 - applied < TimeSpan.FromSeconds(1), $"v1 still answered {(lastV1 - applied).TotalMilliseconds:F0} ms after the apply returned (apply took {(applied - applyStarted).TotalMilliseconds:F0} ms)");
    }

    [Fact]
    public async Task An_invalid_apply_is_rejected_with_its_location_and_traffic_is_unaffected()
    {
        Assert.Equal(0, (await mesh.ApplyAsync(DestinationRules)).ExitCode);
        Assert.Equal(0, (await mesh.ApplyAsync(ReviewsWeights(100, 0))).ExitCode);
        const string invalid = """
            apiVersion: networking.istio.io/v1beta1
            kind: VirtualService
            metadata:
              name: reviews
              namespace: bookinfo
            spec:
              hosts:
              - reviews
              http:
              - match:
                - uri:
                    regex: "/reviews/(unclosed"
                route:
                - destination:
                    host: reviews
                    subset: v2
            """;
        var result = await mesh.ApplyAsync(invalid);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("VirtualService bookinfo/reviews", result.Stderr);
        Assert.Contains(":12:", result.Stderr);
        Assert.Contains("regex", result.Stderr);

        using var client = mesh.ClientInPod("productpage-v1");
        for (var i = 0; i < 20; i++)
            Assert.Equal("v1", BookinfoMesh.ReviewsVersion(await client.GetStringAsync("http://reviews:9080/reviews/0")));
    }

    [Fact]
    public async Task Exec_runs_curl_through_the_pods_sidecar_like_kubectl_exec()
    {
        var result = await mesh.Cli.RunAsync("exec", "-n", "bookinfo", "deploy/productpage-v1", "--", "curl", "-s", "http://reviews:9080/reviews/1");
        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("\"reviews\"", result.Stdout);
        Assert.Contains("Reviewer1", result.Stdout);
    }

    [Fact]
    public async Task The_seeds_exec_command_works_as_written_and_an_ambiguous_app_is_named()
    {
        // As Istio's security walkthrough writes it, although Bookinfo's Deployment is productpage-v1.
        var result = await mesh.Cli.RunAsync("exec", "-n", "bookinfo", "deploy/productpage", "-c", "productpage", "--", "curl", "-s", "http://reviews:9080/reviews/1");
        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("Reviewer1", result.Stdout);
        Assert.Contains("using deployment \"productpage-v1\"", result.Stderr);

        var ambiguous = await mesh.Cli.RunAsync("exec", "-n", "bookinfo", "deploy/reviews", "--", "true");
        Assert.Equal(1, ambiguous.ExitCode);
        Assert.Contains("deployments.apps \"reviews\" not found in namespace \"bookinfo\"; deployments labelled app=reviews: reviews-v1, reviews-v2, reviews-v3", ambiguous.Stderr);
    }

    [Fact]
    public async Task Tunnelled_http_follows_the_same_routes_as_plain_proxy_requests()
    {
        using var client = mesh.ClientInPod("productpage-v1");
        await ApplyJasonToV2Async(client);

        // curl -p opens a CONNECT tunnel first, as gRPC and HTTPS clients behind HTTP_PROXY do.
        var result = await mesh.Cli.RunAsync("exec", "-n", "bookinfo", "deploy/productpage-v1", "--", "sh", "-c",
            "for i in 1 2 3 4 5; do curl -sS -p -x \"$http_proxy\" -H 'end-user: jason' http://reviews:9080/reviews/1; echo; done; " +
            "curl -sS -p -x \"$http_proxy\" http://reviews:9080/reviews/1");
        Assert.True(result.ExitCode == 0, result.All);
        var versions = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(BookinfoMesh.ReviewsVersion).ToList();
        Assert.Equal(["v2", "v2", "v2", "v2", "v2", "v1"], versions);
    }

    /// <summary>Applies the subsets and virtual-service-reviews-test-v2.yaml (jason → v2, everyone else → v1),
    /// then waits until the client sees only v1.</summary>
    private async Task ApplyJasonToV2Async(HttpClient client)
    {
        Assert.Equal(0, (await mesh.ApplyAsync(DestinationRules)).ExitCode);
        var apply = await mesh.Cli.RunAsync("apply", "-f", Repo.Path("samples", "bookinfo", "networking", "virtual-service-reviews-test-v2.yaml"));
        Assert.True(apply.ExitCode == 0, apply.All);
        await WaitForOnlyAsync(client, ["v1"]);
    }

    private static async Task WaitForOnlyAsync(HttpClient client, IReadOnlyCollection<string> versions)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(10);
        var consecutive = 0;
        while (DateTimeOffset.UtcNow < deadline && consecutive < 20)
        {
            var v = BookinfoMesh.ReviewsVersion(await client.GetStringAsync("http://reviews:9080/reviews/0"));
            consecutive = versions.Contains(v) ? consecutive + 1 : 0;
        }
        Assert.True(consecutive >= 20, $"routing did not settle on {string.Join("/", versions)} within 10s");
    }
}
