using System.Net;
using System.Text.Json;
using Trellis.EndToEnd.Harness;

namespace Trellis.EndToEnd.Scenarios;

/// <summary>As an operator I turn on mutual TLS with PeerAuthentication: a client outside the mesh that speaks
/// plaintext straight to a workload's sidecar is refused under STRICT and served under PERMISSIVE, while the mesh's
/// own traffic keeps flowing because sidecars originate mutual TLS to each other. Its own mesh, since STRICT
/// changes what every other scenario would see.</summary>
public sealed class MutualTlsTests(BookinfoMesh mesh) : IClassFixture<BookinfoMesh>
{
    private static string Policy(string name, string ns, string mode) => $"""
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata:
          name: {name}
          namespace: {ns}
        spec:
          mtls:
            mode: {mode}
        """;

    [Fact]
    public async Task A_plaintext_client_outside_the_mesh_is_refused_by_a_strict_workload_and_served_by_a_permissive_one()
    {
        var reviews = PodsFile.Read(mesh.Cli.Home).First(p => p.Deployment == "reviews-v1");
        try
        {
            await ApplyAsync(Policy("default", "bookinfo", "PERMISSIVE"));
            await mesh.WaitUntilAsync(async () => await PlaintextAnswersAsync(reviews.InboundPort), TimeSpan.FromSeconds(30),
                "the PERMISSIVE reviews sidecar answering a plaintext request");

            await ApplyAsync(Policy("default", "bookinfo", "STRICT"));
            await mesh.WaitUntilAsync(async () => !await PlaintextAnswersAsync(reviews.InboundPort), TimeSpan.FromSeconds(30),
                "the STRICT reviews sidecar refusing a plaintext connection");
            Assert.False(await PlaintextAnswersAsync(reviews.InboundPort));
        }
        finally
        {
            await DeleteAsync(Policy("default", "bookinfo", "STRICT"));
        }
    }

    [Fact]
    public async Task Bookinfo_with_mesh_wide_strict_mtls_still_renders_the_product_page_with_rated_reviews()
    {
        var reviews = PodsFile.Read(mesh.Cli.Home).First(p => p.Deployment == "reviews-v2");
        try
        {
            await ApplyAsync(Policy("default", "istio-system", "STRICT"));
            await mesh.WaitUntilAsync(async () => !await PlaintextAnswersAsync(reviews.InboundPort), TimeSpan.FromSeconds(30),
                "mesh-wide STRICT in force at the reviews sidecar");

            using var client = mesh.IngressClient();
            var rated = false;
            for (var i = 0; i < 30 && !rated; i++)
            {
                using var response = await client.GetAsync("/productpage");
                var html = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.OK, html);
                Assert.Contains("Simple Bookstore App", html);
                Assert.DoesNotContain("Error fetching product reviews!", html);
                Assert.DoesNotContain("Error fetching product details!", html);
                rated = html.Contains('\u2605');
            }
            Assert.True(rated, "no response showed reviews with star ratings (reviews v2/v3 reaching ratings)");
        }
        finally
        {
            await DeleteAsync(Policy("default", "istio-system", "STRICT"));
        }
    }

    [Fact]
    public async Task Describe_pod_tells_the_mtls_mode_of_each_port_and_which_policy_decided_it()
    {
        var workloadPolicy = """
            apiVersion: security.istio.io/v1
            kind: PeerAuthentication
            metadata: {name: ratings-strict, namespace: bookinfo}
            spec:
              selector: {matchLabels: {app: ratings}}
              mtls: {mode: STRICT}
            """;
        try
        {
            await ApplyAsync(workloadPolicy);

            var json = await mesh.Cli.RunAsync("x", "describe", "pod", "deploy/ratings-v1", "-n", "bookinfo", "-o", "json");
            Assert.True(json.ExitCode == 0, json.All);
            var port = JsonDocument.Parse(json.Stdout).RootElement.GetProperty("ports").EnumerateArray().Single();
            Assert.Equal("ratings", port.GetProperty("service").GetString());
            Assert.Equal(9080, port.GetProperty("port").GetInt32());
            Assert.Equal("STRICT", port.GetProperty("mtls").GetString());
            Assert.Equal("PeerAuthentication bookinfo/ratings-strict (workload)", port.GetProperty("mtlsDecidedBy").GetString());

            var text = await mesh.Cli.RunAsync("x", "describe", "pod", "deploy/productpage-v1", "-n", "bookinfo");
            Assert.True(text.ExitCode == 0, text.All);
            Assert.Contains("Service: productpage", text.Stdout);
            Assert.Contains("Effective PeerAuthentication: PERMISSIVE on port 9080, from no PeerAuthentication (Istio's default)", text.Stdout);
            Assert.Contains("trellis x authz check", text.Stdout);
        }
        finally
        {
            await DeleteAsync(workloadPolicy);
        }
    }

    private async Task ApplyAsync(string yaml)
    {
        var result = await mesh.ApplyAsync(yaml);
        Assert.True(result.ExitCode == 0, result.All);
    }

    private async Task DeleteAsync(string yaml)
    {
        var file = Path.Combine(mesh.Cli.Home, $"delete-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, yaml);
        await mesh.Cli.RunAsync("delete", "-f", file);
    }

    /// <summary>A client outside the mesh: plain HTTP straight at the sidecar's inbound port, no proxy, no certificate.</summary>
    private static async Task<bool> PlaintextAnswersAsync(int inboundPort)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await client.GetAsync($"http://127.0.0.1:{inboundPort}/reviews/1");
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return false;
        }
    }
}
