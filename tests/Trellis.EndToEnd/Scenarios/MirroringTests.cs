using System.Net;
using Trellis.EndToEnd.Harness;

namespace Trellis.EndToEnd.Scenarios;

/// <summary>Istio's mirroring task on Bookinfo's reviews: all traffic goes to v1 and is mirrored to v2. The caller only
/// ever sees v1's answers, while reviews-v2's sidecar logs each mirrored call with the "-shadow" authority.</summary>
[Collection(BookinfoCollection.Name)]
public sealed class MirroringTests(BookinfoMesh mesh)
{
    private const string Manifest = """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: istio, namespace: istio-system}
        data:
          mesh: |
            accessLogFile: /dev/stdout
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews, namespace: bookinfo}
        spec:
          host: reviews
          subsets:
          - {name: v1, labels: {version: v1}}
          - {name: v2, labels: {version: v2}}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: bookinfo}
        spec:
          hosts: [reviews]
          http:
          - route:
            - destination: {host: reviews, subset: v1}
              weight: 100
            mirror: {host: reviews, subset: v2}
            mirrorPercentage: {value: 100.0}
        """;

    [Fact]
    public async Task Traffic_to_v1_is_mirrored_to_v2_whose_sidecar_logs_the_shadow_copies()
    {
        var file = Path.Combine(mesh.Cli.Home, "reviews-mirror.yaml");
        await File.WriteAllTextAsync(file, Manifest);
        try
        {
            var apply = await mesh.Cli.RunAsync("apply", "-f", file);
            Assert.True(apply.ExitCode == 0, apply.All);
            Assert.DoesNotContain("TRL0006", apply.All);
            using var client = mesh.ClientInPod("productpage-v1");

            var markers = new List<string>();
            await mesh.WaitUntilAsync(async () =>
            {
                // Until the VirtualService arrives, calls still go to any version.
                markers.Add((await CallReviewsAsync(client)).Marker);
                return (await ReviewsV2LinesAsync()).Any(l => markers.Any(m => l.Contains(m, StringComparison.Ordinal)));
            }, TimeSpan.FromSeconds(30), "reviews-v2's sidecar to log a mirrored call");

            var next = new List<string>();
            for (var i = 0; i < 5; i++)
            {
                var (marker, version) = await CallReviewsAsync(client);
                Assert.Equal("v1", version);
                next.Add(marker);
            }
            List<string> mirrored = [];
            await mesh.WaitUntilAsync(async () =>
            {
                var lines = await ReviewsV2LinesAsync();
                mirrored = next.Select(m => lines.FirstOrDefault(l => l.Contains(m, StringComparison.Ordinal) && l.Contains(" inbound|", StringComparison.Ordinal)))
                    .OfType<string>().ToList();
                return mirrored.Count == next.Count;
            }, TimeSpan.FromSeconds(30), "reviews-v2's sidecar to log all five mirrored calls");
            Assert.All(mirrored, l => Assert.Contains("\"reviews-shadow:9080\"", l));
        }
        finally
        {
            await mesh.Cli.RunAsync("delete", "-f", file);
        }
    }

    private static async Task<(string Marker, string Version)> CallReviewsAsync(HttpClient client)
    {
        var marker = $"mirror-{Guid.NewGuid():N}";
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://reviews:9080/reviews/0");
        request.Headers.Add("x-request-id", marker);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (marker, BookinfoMesh.ReviewsVersion(await response.Content.ReadAsStringAsync()));
    }

    private async Task<List<string>> ReviewsV2LinesAsync()
    {
        var logs = await mesh.Cli.RunAsync("logs", "deploy/reviews-v2", "-n", "bookinfo", "-c", "istio-proxy");
        Assert.True(logs.ExitCode == 0, logs.All);
        return logs.Stdout.Split('\n').Where(l => l.StartsWith('[')).ToList();
    }
}
