using Trellis.EndToEnd.Harness;

namespace Trellis.EndToEnd.Scenarios;

/// <summary>A Linkerd-style canary on Bookinfo: a Service per reviews version and an SMI TrafficSplit on the apex
/// `reviews` Service; shifting the weights moves calls from productpage's pod, as Flagger's Linkerd rollouts do.</summary>
[Collection(BookinfoCollection.Name)]
public sealed class TrafficSplitTests(BookinfoMesh mesh)
{
    private const string VersionServices = """
        apiVersion: v1
        kind: Service
        metadata: {name: reviews-v1, namespace: bookinfo}
        spec:
          selector: {app: reviews, version: v1}
          ports: [{name: http, port: 9080}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: reviews-v3, namespace: bookinfo}
        spec:
          selector: {app: reviews, version: v3}
          ports: [{name: http, port: 9080}]
        """;

    private static string Split(int v1, int v3) => $$"""
        apiVersion: split.smi-spec.io/v1alpha2
        kind: TrafficSplit
        metadata: {name: reviews-rollout, namespace: bookinfo}
        spec:
          service: reviews
          backends:
          - {service: reviews-v1, weight: {{v1}}}
          - {service: reviews-v3, weight: {{v3}}}
        """;

    // Other scenarios of this mesh leave a reviews VirtualService behind; the oldest VirtualService for a host wins.
    private const string AnyReviewsVirtualService = """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: bookinfo}
        spec:
          hosts: [reviews]
          http:
          - route:
            - destination: {host: reviews}
        """;

    [Fact]
    public async Task Shifting_a_traffic_split_moves_calls_to_the_apex_service_between_version_services()
    {
        var leftover = Path.Combine(mesh.Cli.Home, "reviews-vs-to-delete.yaml");
        await File.WriteAllTextAsync(leftover, AnyReviewsVirtualService);
        await mesh.Cli.RunAsync("delete", "-f", leftover);
        var split = Path.Combine(mesh.Cli.Home, "reviews-split.yaml");
        try
        {
            Assert.Equal(0, (await mesh.ApplyAsync(VersionServices)).ExitCode);
            await File.WriteAllTextAsync(split, Split(100, 0));
            var apply = await mesh.Cli.RunAsync("apply", "-f", split);
            Assert.True(apply.ExitCode == 0, apply.All);
            Assert.DoesNotContain("TRL0006", apply.All);

            using var client = mesh.ClientInPod("productpage-v1");
            await SettleOnAsync(client, "v1");
            await File.WriteAllTextAsync(split, Split(0, 100));
            Assert.Equal(0, (await mesh.Cli.RunAsync("apply", "-f", split)).ExitCode);
            await SettleOnAsync(client, "v3");
        }
        finally
        {
            await mesh.Cli.RunAsync("delete", "-f", split);
        }
    }

    private async Task SettleOnAsync(HttpClient client, string version)
    {
        var consecutive = 0;
        await mesh.WaitUntilAsync(async () =>
        {
            consecutive = BookinfoMesh.ReviewsVersion(await client.GetStringAsync("http://reviews:9080/reviews/0")) == version ? consecutive + 1 : 0;
            return consecutive >= 20;
        }, TimeSpan.FromSeconds(15), $"every call to reviews to reach {version}");
    }
}
