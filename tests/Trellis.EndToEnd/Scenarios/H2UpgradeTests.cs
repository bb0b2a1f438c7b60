using System.Net;
using Trellis.EndToEnd.Harness;

namespace Trellis.EndToEnd.Scenarios;

/// <summary>A team adds <c>h2UpgradePolicy: UPGRADE</c> to reviews' DestinationRule, as Istio's docs show, so that
/// productpage's HTTP/1.1 calls travel between the sidecars as HTTP/2: reviews' sidecar logs them as HTTP/2 while the
/// app on either side still speaks HTTP/1.1, and every call is served.</summary>
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
    public async Task With_h2_upgrade_calls_to_reviews_arrive_at_its_sidecar_as_http2_and_are_served()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("trellis-e2e-h2-upgrade-").FullName, "h2-upgrade.yaml");
        await File.WriteAllTextAsync(path, Manifest);
        try
        {
            var applied = await mesh.Cli.RunAsync("apply", "-f", path);
            Assert.True(applied.ExitCode == 0, applied.All);
            Assert.DoesNotContain("h2UpgradePolicy", applied.All);
            using var client = mesh.ClientInPod("productpage-v1");
            // The sidecars' logs trail the requests: every marker sent so far counts, the first calls may precede the push.
            var markers = new List<string>();
            await mesh.WaitUntilAsync(async () =>
            {
                var marker = $"h2-upgrade-{Guid.NewGuid():N}";
                markers.Add(marker);
                using var request = new HttpRequestMessage(HttpMethod.Get, "http://reviews:9080/reviews/0");
                request.Headers.Add("x-request-id", marker);
                using var response = await client.SendAsync(request);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var logged = await InboundLinesAsync();
                return logged.Any(l => markers.Any(m => l.Contains(m, StringComparison.Ordinal)) && l.Contains("\"GET /reviews/0 HTTP/2\" 200 ", StringComparison.Ordinal));
            }, TimeSpan.FromSeconds(30), "reviews' sidecar to log a call from productpage as HTTP/2");

            for (var i = 0; i < 20; i++)
            {
                using var response = await client.GetAsync("http://reviews:9080/reviews/0");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }
        finally
        {
            await mesh.Cli.RunAsync("delete", "-f", path);
        }
    }

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
