using Trellis.EndToEnd.Harness;

namespace Trellis.EndToEnd.Scenarios;

/// <summary>The platform team owns reviews' VirtualService and delegates its /reviews traffic to a VirtualService the
/// reviews team keeps in its own namespace, as Istio's delegate does: the team's rules take effect within the root's
/// match, and when the team's VirtualService goes, the root's remaining rule routes again.</summary>
[Collection(BookinfoCollection.Name)]
public sealed class VirtualServiceDelegationTests(BookinfoMesh mesh)
{
    private const string Subsets = """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews, namespace: bookinfo}
        spec:
          host: reviews
          subsets:
          - {name: v1, labels: {version: v1}}
          - {name: v2, labels: {version: v2}}
          - {name: v3, labels: {version: v3}}
        """;

    private const string PlatformRoot = """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: bookinfo}
        spec:
          hosts: [reviews]
          http:
          - name: reviews-api
            match:
            - uri: {prefix: /reviews}
            delegate: {name: reviews-routing, namespace: reviews-team}
          - route:
            - destination: {host: reviews, subset: v1}
        """;

    private const string TeamDelegate = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: reviews-team}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews-routing, namespace: reviews-team}
        spec:
          http:
          - match:
            - headers: {end-user: {exact: jason}}
            route:
            - destination: {host: reviews.bookinfo.svc.cluster.local, subset: v2}
          - route:
            - destination: {host: reviews.bookinfo.svc.cluster.local, subset: v3}
        """;

    [Fact]
    public async Task The_reviews_team_routes_reviews_through_its_delegate_until_it_deletes_it()
    {
        Assert.Equal(0, (await mesh.ApplyAsync(Subsets)).ExitCode);
        var team = Path.Combine(mesh.Cli.Home, "reviews-team-delegate.yaml");
        await File.WriteAllTextAsync(team, TeamDelegate);
        var applyTeam = await mesh.Cli.RunAsync("apply", "-f", team);
        Assert.True(applyTeam.ExitCode == 0, applyTeam.All);
        var applyRoot = await mesh.ApplyAsync(PlatformRoot);
        Assert.True(applyRoot.ExitCode == 0, applyRoot.All);
        Assert.DoesNotContain("TRL0006", applyRoot.All);

        using var client = mesh.ClientInPod("productpage-v1");
        await WaitForAsync(client, jason: false, "v3");
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal("v2", await ReviewsVersionAsync(client, jason: true));
            Assert.Equal("v3", await ReviewsVersionAsync(client, jason: false));
        }

        var delete = await mesh.Cli.RunAsync("delete", "-f", team);
        Assert.True(delete.ExitCode == 0, delete.All);
        await WaitForAsync(client, jason: true, "v1");
        Assert.Equal("v1", await ReviewsVersionAsync(client, jason: false));
    }

    private static async Task<string> ReviewsVersionAsync(HttpClient client, bool jason)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://reviews:9080/reviews/0");
        if (jason) request.Headers.Add("end-user", "jason");
        using var response = await client.SendAsync(request);
        return BookinfoMesh.ReviewsVersion(await response.Content.ReadAsStringAsync());
    }

    private static async Task WaitForAsync(HttpClient client, bool jason, string version)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(10);
        while (await ReviewsVersionAsync(client, jason) != version)
            Assert.True(DateTimeOffset.UtcNow < deadline, $"reviews did not settle on {version} within 10 s");
    }
}
