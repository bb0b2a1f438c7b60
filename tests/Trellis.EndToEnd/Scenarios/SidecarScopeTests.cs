using System.Net;
using System.Text.Json;
using Trellis.EndToEnd.Harness;

namespace Trellis.EndToEnd.Scenarios;

/// <summary>Istio's Sidecar on a running mesh, through the real CLI: egress hosts take the services a workload does
/// not import out of its proxy's configuration, REGISTRY_ONLY refuses them as Istio's block_all does, and deleting
/// the Sidecar brings them back.</summary>
[Collection(BookinfoCollection.Name)]
public sealed class SidecarScopeTests(BookinfoMesh mesh)
{
    private const string ReviewsCluster = "outbound|9080||reviews.bookinfo.svc.cluster.local";
    private const string DetailsCluster = "outbound|9080||details.bookinfo.svc.cluster.local";

    private const string DetailsOnly = """
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata: {name: productpage, namespace: bookinfo}
        spec:
          workloadSelector:
            labels: {app: productpage}
          egress:
          - hosts: ["./details.bookinfo.svc.cluster.local"]
          outboundTrafficPolicy: {mode: REGISTRY_ONLY}
        """;

    private async Task<string> ProductpageClustersAsync()
    {
        var table = await mesh.Cli.RunAsync("proxy-config", "clusters", "deploy/productpage-v1", "-n", "bookinfo");
        Assert.True(table.ExitCode == 0, table.All);
        return table.Stdout;
    }

    /// <summary>How many clusters `trellis proxy-status -o json` says each bookinfo proxy was last sent, by pod name prefix.</summary>
    private async Task<int> ClustersSentToAsync(string podPrefix)
    {
        var status = await mesh.Cli.RunAsync("proxy-status", "-o", "json");
        Assert.True(status.ExitCode == 0, status.All);
        var proxy = JsonDocument.Parse(status.Stdout).RootElement.EnumerateArray()
            .First(p => p.GetProperty("namespace").GetString() == "bookinfo" && p.GetProperty("pod").GetString()!.StartsWith(podPrefix, StringComparison.Ordinal));
        var cds = proxy.GetProperty("types").EnumerateArray().First(t => t.GetProperty("type").GetString() == "CDS");
        Assert.True(cds.GetProperty("bytes").GetInt64() > 0);
        return cds.GetProperty("resources").GetInt32();
    }

    [Fact]
    public async Task A_sidecar_importing_only_details_takes_reviews_out_of_productpages_config_until_it_is_deleted()
    {
        Assert.Contains(ReviewsCluster, await ProductpageClustersAsync());
        var clustersBefore = await ClustersSentToAsync("productpage-v1");
        var table = await mesh.Cli.RunAsync("proxy-status");
        Assert.Contains("clusters", table.Stdout.Split('\n')[0], StringComparison.OrdinalIgnoreCase);
        Assert.Contains("size", table.Stdout.Split('\n')[0], StringComparison.OrdinalIgnoreCase);

        var file = Path.Combine(mesh.Cli.Home, $"sidecar-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, DetailsOnly);
        using var app = mesh.ClientInPod("productpage-v1");
        try
        {
            var applied = await mesh.Cli.RunAsync("apply", "-f", file);
            Assert.True(applied.ExitCode == 0, applied.All);
            await mesh.WaitUntilAsync(async () => !(await ProductpageClustersAsync()).Contains(ReviewsCluster), TimeSpan.FromSeconds(20),
                "productpage's proxy to drop the reviews clusters");
            var clusters = await ProductpageClustersAsync();
            Assert.Contains(DetailsCluster, clusters);
            Assert.DoesNotContain("ratings.bookinfo", clusters);
            Assert.True(await ClustersSentToAsync("productpage-v1") < clustersBefore);
            Assert.True(await ClustersSentToAsync("reviews-v1") >= clustersBefore, "a workload the Sidecar does not select keeps every cluster");

            // As Istio's block_all: a service outside the scope under REGISTRY_ONLY is a 502, here with the reason.
            using (var refused = await app.GetAsync("http://reviews:9080/reviews/1"))
            {
                Assert.Equal(HttpStatusCode.BadGateway, refused.StatusCode);
                var reason = refused.Headers.GetValues("x-trellis-reason").Single();
                Assert.Contains("Sidecar bookinfo/productpage", reason);
                Assert.Contains("outboundTrafficPolicy is REGISTRY_ONLY", reason);
            }
            using (var details = await app.GetAsync("http://details:9080/details/0"))
                Assert.Equal(HttpStatusCode.OK, details.StatusCode);
        }
        finally
        {
            var deleted = await mesh.Cli.RunAsync("delete", "-f", file);
            Assert.True(deleted.ExitCode == 0, deleted.All);
        }

        await mesh.WaitUntilAsync(async () => (await ProductpageClustersAsync()).Contains(ReviewsCluster), TimeSpan.FromSeconds(20),
            "productpage's proxy to get the reviews clusters back");
        Assert.Equal(clustersBefore, await ClustersSentToAsync("productpage-v1"));
        Assert.Contains("Reviewer1", await app.GetStringAsync("http://reviews:9080/reviews/1"));
    }

    [Fact]
    public async Task Analyze_warns_of_two_sidecars_without_a_selector_in_one_namespace()
    {
        var dir = Path.Combine(mesh.Cli.Home, $"analyze-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "sidecars.yaml"), """
            apiVersion: networking.istio.io/v1
            kind: Sidecar
            metadata: {name: default, namespace: bookinfo}
            spec:
              egress:
              - hosts: ["./*"]
            ---
            apiVersion: networking.istio.io/v1
            kind: Sidecar
            metadata: {name: another, namespace: bookinfo}
            spec:
              egress:
              - hosts: ["*/*"]
            """);

        var analyzed = await mesh.Cli.RunAsync("analyze", "-f", dir);

        Assert.Contains("IST0111", analyzed.All);
        Assert.Contains("have no workload selector", analyzed.All);
    }
}
