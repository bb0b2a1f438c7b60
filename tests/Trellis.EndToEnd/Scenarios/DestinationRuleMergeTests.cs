using System.Net;
using Trellis.EndToEnd.Harness;

namespace Trellis.EndToEnd.Scenarios;

/// <summary>A team adds a second DestinationRule for reviews, with its own subsets, beside the existing one,
/// and splits traffic over the new subsets: as in Istio, the rules merge and every request is served.</summary>
[Collection(BookinfoCollection.Name)]
public sealed class DestinationRuleMergeTests(BookinfoMesh mesh)
{
    private static string Networking(string file) => Repo.Path("samples", "bookinfo", "networking", file);

    [Fact]
    public async Task A_split_over_the_subsets_of_a_second_destination_rule_serves_every_request_at_its_weights()
    {
        Assert.Equal(0, (await mesh.Cli.RunAsync("apply", "-f", Repo.Path("samples", "bookinfo", "destination-rule-all.yaml"))).ExitCode);
        try
        {
            var extra = await mesh.Cli.RunAsync("apply", "-f", Networking("destination-rule-reviews-extra-subsets.yaml"));
            Assert.True(extra.ExitCode == 0, extra.All);
            var split = await mesh.Cli.RunAsync("apply", "-f", Networking("virtual-service-reviews-canary-80-20.yaml"));
            Assert.True(split.ExitCode == 0, split.All);
            using var client = mesh.ClientInPod("productpage-v1");
            // stable selects reviews v1, canary v3; v2 answers only until the new route reaches productpage's sidecar.
            await mesh.WaitUntilAsync(async () => await ServedOnlyByAsync(client, ["v1", "v3"], 20), TimeSpan.FromSeconds(15),
                "reviews served by the stable and canary subsets only");

            var counts = new Dictionary<string, int>();
            for (var i = 0; i < 200; i++)
            {
                using var response = await client.GetAsync("http://reviews:9080/reviews/0");
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"request {i}: {(int)response.StatusCode} {body}");
                var version = BookinfoMesh.ReviewsVersion(body);
                counts[version] = counts.GetValueOrDefault(version) + 1;
            }
            // n=200, p=0.2: sd = 5.66; 4.4 sd either side (a chance below 1e-5 to fail by luck) is 15..65.
            Assert.InRange(counts.GetValueOrDefault("v3"), 15, 65);
            Assert.Equal(200, counts.GetValueOrDefault("v1") + counts.GetValueOrDefault("v3"));
        }
        finally
        {
            await mesh.Cli.RunAsync("delete", "-f", Networking("virtual-service-reviews-canary-80-20.yaml"));
            await mesh.Cli.RunAsync("delete", "-f", Networking("destination-rule-reviews-extra-subsets.yaml"));
        }
    }

    /// <summary>True when <paramref name="n"/> requests in a row answer 200 from one of <paramref name="versions"/>.</summary>
    private static async Task<bool> ServedOnlyByAsync(HttpClient client, IReadOnlyCollection<string> versions, int n)
    {
        for (var i = 0; i < n; i++)
        {
            using var response = await client.GetAsync("http://reviews:9080/reviews/0");
            if (response.StatusCode != HttpStatusCode.OK || !versions.Contains(BookinfoMesh.ReviewsVersion(await response.Content.ReadAsStringAsync())))
                return false;
        }
        return true;
    }
}
