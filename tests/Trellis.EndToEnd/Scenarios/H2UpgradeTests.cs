using System.Net;
using Trellis.EndToEnd.Harness;

namespace Trellis.EndToEnd.Scenarios;

/// <summary>A team adds <c>h2UpgradePolicy: UPGRADE</c> to reviews' DestinationRule, as Istio's docs show, so that
/// productpage's HTTP/1.1 calls travel between the sidecars as HTTP/2: reviews' sidecar logs them as HTTP/2 while the
/// app on either side still speaks HTTP/1.1, and every call is served. With <c>maxRequestsPerConnection</c> beside it, the
/// multiplexed connections are still retired after that many requests, as Envoy's pool retires them.</summary>
[Collection(BookinfoCollection.Name)]
public sealed class H2UpgradeTests(BookinfoMesh mesh)
{
    private const string Manifest = """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: istio, namespace: istio-system}
        data:
          mesh: |
            accessLogFile: /dev/stdout
        ---
        apiVersion: networking.istio.io/v1beta1
        kind: DestinationRule
        metadata:
          name: reviews-destination
          namespace: bookinfo
        spec:
          host: reviews
          trafficPolicy:
            connectionPool:
              tcp:
                maxConnections: 100
              http:
                h2UpgradePolicy: UPGRADE
                http1MaxPendingRequests: 100
                http2MaxRequests: 1000
        """;

    private static readonly string[] Reviews = ["reviews-v1", "reviews-v2", "reviews-v3"];

    [Fact]
    public Task With_h2_upgrade_calls_to_reviews_arrive_at_its_sidecar_as_http2_and_are_served() =>
        WithRuleAsync(Manifest, "h2UpgradePolicy", async client =>
        {
            // The sidecars' logs trail the requests: every marker sent so far counts, the first calls may precede the push.
            var markers = new List<string>();
            await mesh.WaitUntilAsync(async () =>
            {
                markers.Add(await CallReviewsAsync(client));
                var logged = await InboundLinesAsync();
                return logged.Any(l => markers.Any(m => l.Contains(m, StringComparison.Ordinal)) && l.Contains("\"GET /reviews/0 HTTP/2\" 200 ", StringComparison.Ordinal));
            }, TimeSpan.FromSeconds(30), "reviews' sidecar to log a call from productpage as HTTP/2");

            for (var i = 0; i < 20; i++)
            {
                using var response = await client.GetAsync("http://reviews:9080/reviews/0");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        });

    [Fact]
    public Task With_h2_upgrade_and_two_requests_per_connection_each_sidecar_to_sidecar_connection_carries_at_most_two() =>
        WithRuleAsync(Manifest.Replace("http2MaxRequests: 1000", "http2MaxRequests: 1000\n        maxRequestsPerConnection: 2"), "maxRequestsPerConnection", async client =>
        {
            await mesh.WaitUntilAsync(async () =>
            {
                var marker = await CallReviewsAsync(client);
                return (await InboundLinesAsync()).Any(l => l.Contains(marker, StringComparison.Ordinal) && l.Contains(" HTTP/2\" 200 ", StringComparison.Ordinal));
            }, TimeSpan.FromSeconds(30), "reviews' sidecars to log calls from productpage as HTTP/2");

            var markers = new List<string>();
            for (var i = 0; i < 12; i++) markers.Add(await CallReviewsAsync(client));
            // Each call's connection, as the reviews sidecar that served it saw it: the peer sidecar's address and port.
            var connections = new List<string>();
            await mesh.WaitUntilAsync(async () =>
            {
                var lines = await InboundLinesAsync();
                // reviews calls ratings with the same request id: only its inbound lines count.
                connections = markers.Select(m => lines.FirstOrDefault(l => l.Contains(m, StringComparison.Ordinal) && l.Contains(" inbound|", StringComparison.Ordinal)))
                    .Where(l => l is not null).Select(l => DownstreamRemoteAddress(l!)).ToList();
                return connections.Count == markers.Count;
            }, TimeSpan.FromSeconds(30), "reviews' sidecars to log all twelve calls");
            var perConnection = connections.GroupBy(c => c).ToDictionary(g => g.Key, g => g.Count());
            Assert.All(perConnection, c => Assert.InRange(c.Value, 1, 2));
            Assert.True(perConnection.Count >= 6, $"twelve calls took only {perConnection.Count} connections: {string.Join(", ", perConnection)}");
        });

    /// <summary>Applies <paramref name="manifest"/> through the CLI, which must take it without a note on
    /// <paramref name="field"/>, runs the story from productpage's pod, and deletes the manifest again.</summary>
    private async Task WithRuleAsync(string manifest, string field, Func<HttpClient, Task> story)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("trellis-e2e-h2-").FullName, "rule.yaml");
        await File.WriteAllTextAsync(path, manifest);
        try
        {
            var applied = await mesh.Cli.RunAsync("apply", "-f", path);
            Assert.True(applied.ExitCode == 0, applied.All);
            Assert.DoesNotContain(field, applied.All);
            using var client = mesh.ClientInPod("productpage-v1");
            await story(client);
        }
        finally
        {
            await mesh.Cli.RunAsync("delete", "-f", path);
        }
    }

    /// <summary>One call from productpage's pod to reviews, one after another, marked by its request id.</summary>
    private static async Task<string> CallReviewsAsync(HttpClient client)
    {
        var marker = $"h2-{Guid.NewGuid():N}";
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://reviews:9080/reviews/0");
        request.Headers.Add("x-request-id", marker);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return marker;
    }

    /// <summary>%DOWNSTREAM_REMOTE_ADDRESS% of Istio's default format: the fourth field after the last quoted one (the
    /// upstream host), after the upstream cluster and both local addresses.</summary>
    private static string DownstreamRemoteAddress(string line) => line[(line.LastIndexOf('"') + 2)..].Split(' ')[3];

    /// <summary>The access log lines of the reviews sidecars.</summary>
    private async Task<List<string>> InboundLinesAsync()
    {
        var lines = new List<string>();
        foreach (var deployment in Reviews)
        {
            var logs = await mesh.Cli.RunAsync("logs", $"deploy/{deployment}", "-n", "bookinfo", "-c", "istio-proxy");
            Assert.True(logs.ExitCode == 0, logs.All);
            lines.AddRange(logs.Stdout.Split('\n').Where(l => l.StartsWith('[')));
        }
        return lines;
    }
}
