using Trellis.EndToEnd.Harness;

namespace Trellis.EndToEnd.Scenarios;

/// <summary>Sticky sessions with a consistent-hash DestinationRule: once reviews hashes on the signed-in
/// user, each user keeps seeing one reviews version on the product page, while users as a whole still
/// spread over the versions.</summary>
[Collection(BookinfoCollection.Name)]
public sealed class SessionAffinityTests(BookinfoMesh mesh)
{
    private const string ReviewsVirtualService = """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: reviews
          namespace: bookinfo
        spec:
          hosts: [reviews]
          http:
          - route:
            - destination: {host: reviews, subset: v1}
        """;

    private static string Version(string html) =>
        !html.Contains('\u2605') ? "v1" : html.Contains("<font color=\"red\">") ? "v3" : "v2";

    [Fact]
    public async Task Each_signed_in_user_keeps_seeing_the_same_reviews_version()
    {
        // No VirtualService for reviews: its default route balances over every reviews pod.
        var routing = Path.Combine(mesh.Cli.Home, "reviews-vs-to-delete.yaml");
        await File.WriteAllTextAsync(routing, ReviewsVirtualService);
        await mesh.Cli.RunAsync("delete", "-f", routing);
        var sticky = await mesh.Cli.RunAsync("apply", "-f", Repo.Path("samples", "bookinfo", "networking", "destination-rule-reviews-sticky.yaml"));
        Assert.Equal(0, sticky.ExitCode);
        try
        {
            using var client = mesh.IngressClient();
            Dictionary<string, string>? versions = null;
            // The new rule reaches productpage's sidecar within a second; until then round robin would mix versions.
            await mesh.WaitUntilAsync(async () => (versions = await VersionPerUserAsync(client)) is not null,
                TimeSpan.FromSeconds(15), "every user sees a single reviews version");
            Assert.True(versions!.Values.Distinct().Count() >= 2, $"12 users should not all hash to one version: {string.Join(", ", versions)}");
        }
        finally
        {
            Assert.Equal(0, (await mesh.Cli.RunAsync("apply", "-f", Repo.Path("samples", "bookinfo", "destination-rule-all.yaml"))).ExitCode);
        }
    }

    /// <summary>The one version each of 12 users saw over 6 page loads, or null if any user saw two.</summary>
    private static async Task<Dictionary<string, string>?> VersionPerUserAsync(HttpClient client)
    {
        var result = new Dictionary<string, string>();
        for (var u = 0; u < 12; u++)
        {
            var user = $"reader{u}";
            var seen = new HashSet<string>();
            for (var i = 0; i < 6; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/productpage");
                request.Headers.Add("cookie", $"user={user}");
                using var response = await client.SendAsync(request);
                seen.Add(Version(await response.Content.ReadAsStringAsync()));
            }
            if (seen.Count > 1) return null;
            result[user] = seen.Single();
        }
        return result;
    }
}
