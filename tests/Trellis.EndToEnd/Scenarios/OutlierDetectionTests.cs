using System.Globalization;
using Trellis.EndToEnd.Harness;

namespace Trellis.EndToEnd.Scenarios;

/// <summary>Outlier detection on Bookinfo: a ratings pod that fails half its requests (Istio's v-faulty ratings)
/// joins the service; with consecutive5xxErrors: 1 the first 503 ejects it, and from then on reviews' calls
/// reach only the healthy ratings pod.</summary>
[Collection(BookinfoCollection.Name)]
public sealed class OutlierDetectionTests(BookinfoMesh mesh)
{
    private static string FaultyRatings() => $$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: ratings-v-faulty
          namespace: bookinfo
          labels: {app: ratings, version: v-faulty}
        spec:
          replicas: 1
          selector:
            matchLabels: {app: ratings, version: v-faulty}
          template:
            metadata:
              labels: {app: ratings, version: v-faulty}
            spec:
              serviceAccountName: bookinfo-ratings
              containers:
              - name: ratings
                command: ["{{Repo.Path("samples", "bookinfo", "bin", "bookinfo")}}"]
                args: ["ratings"]
                env:
                - {name: SERVICE_VERSION, value: v-faulty}
                ports:
                - {containerPort: 9080, name: http}
                readinessProbe:
                  httpGet: {path: /health, port: 9080}
                  periodSeconds: 2
        """;

    private const string EjectOnFirstError = """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: ratings
          namespace: bookinfo
        spec:
          host: ratings
          trafficPolicy:
            outlierDetection:
              consecutive5xxErrors: 1
              interval: 1s
              baseEjectionTime: 3m
              maxEjectionPercent: 100
          subsets:
          - name: v1
            labels: {version: v1}
        """;

    [Fact]
    public async Task A_faulty_ratings_pod_is_ejected_and_gets_no_more_requests()
    {
        var faulty = Path.Combine(mesh.Cli.Home, "ratings-v-faulty.yaml");
        await File.WriteAllTextAsync(faulty, FaultyRatings());
        try
        {
            Assert.Equal(0, (await mesh.ApplyAsync(EjectOnFirstError)).ExitCode);
            var apply = await mesh.Cli.RunAsync("apply", "-f", faulty);
            Assert.True(apply.ExitCode == 0, apply.All);
            await mesh.WaitUntilAsync(() => Task.FromResult(PodsFile.Read(mesh.Cli.Home).Any(p => p.Deployment == "ratings-v-faulty" && p.Ready)),
                TimeSpan.FromSeconds(90), "the faulty ratings pod to be ready");
            var faultyPod = PodsFile.Read(mesh.Cli.Home).Single(p => p.Deployment == "ratings-v-faulty");

            using var client = mesh.ClientInPod("reviews-v2");
            // Round robin sends the faulty pod every other call once reviews' sidecar has its endpoint (the pod being
            // ready does not mean that push has landed); its first 503 ejects it.
            for (var i = 0; i < 300 && await InboundRequestsAsync(faultyPod.AdminPort, "503") == 0; i++)
                await client.GetAsync("http://ratings:9080/ratings/0");
            Assert.True(await InboundRequestsAsync(faultyPod.AdminPort, "503") > 0, "the faulty pod took traffic and failed some of it");
            var served = await InboundRequestsAsync(faultyPod.AdminPort);

            for (var i = 0; i < 40; i++)
            {
                using var response = await client.GetAsync("http://ratings:9080/ratings/0");
                Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            }
            Assert.Equal(served, await InboundRequestsAsync(faultyPod.AdminPort));
        }
        finally
        {
            await mesh.Cli.RunAsync("delete", "-f", faulty);
            await mesh.Cli.RunAsync("apply", "-f", Repo.Path("samples", "bookinfo", "destination-rule-all.yaml"));
        }
    }

    /// <summary>Requests the pod's sidecar has let in (only those answered <paramref name="code"/> when given), from its
    /// istio_requests_total series.</summary>
    private static async Task<double> InboundRequestsAsync(int adminPort, string? code = null)
    {
        using var admin = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        var text = await admin.GetStringAsync($"http://127.0.0.1:{adminPort}/stats/prometheus");
        return text.Split('\n')
            .Where(l => l.StartsWith("istio_requests_total{", StringComparison.Ordinal) && l.Contains("reporter=\"destination\"", StringComparison.Ordinal))
            .Where(l => code is null || l.Contains($"response_code=\"{code}\"", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }
}
