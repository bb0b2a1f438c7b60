using System.Diagnostics;
using Trellis.EndToEnd.Harness;

namespace Trellis.EndToEnd.Scenarios;

/// <summary>Istio's fault-injection task on Bookinfo, with its own files: jason is routed to reviews v2, then
/// the ratings VirtualService aborts or delays his calls, and the product page shows what a real outage
/// would; every other reader is untouched.</summary>
[Collection(BookinfoCollection.Name)]
public sealed class FaultInjectionTests(BookinfoMesh mesh)
{
    private static string Networking(string file) => Repo.Path("samples", "bookinfo", "networking", file);

    private async Task ApplyAsync(string file) => Assert.Equal(0, (await mesh.Cli.RunAsync("apply", "-f", Networking(file))).ExitCode);

    private async Task<(string Html, TimeSpan Took)> ProductPageAsync(string? user)
    {
        using var client = mesh.IngressClient();
        client.Timeout = TimeSpan.FromSeconds(30);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/productpage");
        if (user is not null) request.Headers.Add("cookie", $"user={user}");
        var clock = Stopwatch.StartNew();
        using var response = await client.SendAsync(request);
        return (await response.Content.ReadAsStringAsync(), clock.Elapsed);
    }

    [Fact]
    public async Task An_abort_for_jason_shows_ratings_unavailable_and_a_delay_times_out_reviews()
    {
        await ApplyAsync("virtual-service-all-v1.yaml");
        await ApplyAsync("virtual-service-reviews-test-v2.yaml");
        try
        {
            await ApplyAsync("virtual-service-ratings-test-abort.yaml");
            await mesh.WaitUntilAsync(async () => (await ProductPageAsync("jason")).Html.Contains("Ratings service is currently unavailable"),
                TimeSpan.FromSeconds(15), "jason's product page to show the injected ratings failure");
            var anonymous = await ProductPageAsync(null);
            Assert.DoesNotContain("currently unavailable", anonymous.Html);

            // Istio's numbers: a 7 s delay on ratings outlasts productpage's two 3 s tries of reviews.
            await ApplyAsync("virtual-service-ratings-test-delay.yaml");
            (string Html, TimeSpan Took) delayed = default;
            await mesh.WaitUntilAsync(async () => (delayed = await ProductPageAsync("jason")).Html.Contains("Sorry, product reviews are currently unavailable for this book."),
                TimeSpan.FromSeconds(45), "jason's product page to give up on the delayed reviews");
            Assert.True(delayed.Took >= TimeSpan.FromSeconds(5), $"the page came back after {delayed.Took}, before productpage's reviews timeouts");
            Assert.DoesNotContain("currently unavailable", (await ProductPageAsync("alice")).Html);
        }
        finally
        {
            await mesh.Cli.RunAsync("delete", "-f", Networking("virtual-service-all-v1.yaml"));
        }
    }
}
