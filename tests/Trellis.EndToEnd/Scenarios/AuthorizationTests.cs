using System.Net;
using Trellis.EndToEnd.Harness;

namespace Trellis.EndToEnd.Scenarios;

/// <summary>AuthorizationPolicy on Bookinfo. The seed exercise "Configure Mutual TLS and Fine-Grained Access
/// Control" step by step (principals need mTLS), and policies that need no identity: a path-based DENY and a
/// DENY on a request header, on the plaintext mesh.</summary>
[Collection(BookinfoCollection.Name)]
public sealed class AuthorizationTests(BookinfoMesh mesh)
{
    private const string Denied = "RBAC: access denied";

    private static string Policy(string name, string spec, string ns = "bookinfo") => $"""
        apiVersion: security.istio.io/v1beta1
        kind: AuthorizationPolicy
        metadata:
          name: {name}
          namespace: {ns}
        spec:
        {spec}
        """;

    private readonly List<string> _applied = [];

    private async Task ApplyAsync(string yaml)
    {
        var file = Path.Combine(mesh.Cli.Home, $"authz-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, yaml);
        _applied.Add(file);
        var result = await mesh.Cli.RunAsync("apply", "-f", file);
        Assert.True(result.ExitCode == 0, result.All);
    }

    /// <summary>Deletes what this scenario applied, newest first, so the shared mesh is open again for the next one.</summary>
    private async Task DeleteAppliedAsync()
    {
        for (var i = _applied.Count - 1; i >= 0; i--) await mesh.Cli.RunAsync("delete", "-f", _applied[i]);
        _applied.Clear();
    }

    private async Task<(HttpStatusCode Status, string Body)> GetAsync(string fromDeployment, string url, string? header = null)
    {
        using var client = mesh.ClientInPod(fromDeployment);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (header is not null) request.Headers.Add(header.Split(':')[0], header.Split(':')[1].Trim());
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_path_deny_policy_refuses_that_path_with_403_and_leaves_the_rest_alone()
    {
        try
        {
            await ApplyAsync(Policy("deny-review-0", """
                  selector: {matchLabels: {app: reviews}}
                  action: DENY
                  rules:
                  - to:
                    - operation: {paths: ["/reviews/0"], ports: ["9080"]}
                """));
            await mesh.WaitUntilAsync(async () => (await GetAsync("productpage-v1", "http://reviews:9080/reviews/0")).Status == HttpStatusCode.Forbidden,
                TimeSpan.FromSeconds(20), "reviews to refuse /reviews/0");
            var denied = await GetAsync("productpage-v1", "http://reviews:9080/reviews/0");
            Assert.Equal(Denied, denied.Body);
            Assert.Equal(HttpStatusCode.OK, (await GetAsync("productpage-v1", "http://reviews:9080/reviews/1")).Status);
            Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync("productpage-v1", "http://reviews:9080/reviews/0?x=1")).Status);

            var check = await mesh.Cli.RunAsync("x", "authz", "check", "deploy/reviews-v1", "-n", "bookinfo");
            Assert.Equal(0, check.ExitCode);
            Assert.Contains("DENY", check.Stdout);
            Assert.Contains("bookinfo/deny-review-0", check.Stdout);
            Assert.Contains("rule[0]", check.Stdout);

            var describe = await mesh.Cli.RunAsync("x", "describe", "pod", "deploy/reviews-v1", "-n", "bookinfo");
            Assert.True(describe.ExitCode == 0, describe.All);
            var authorization = describe.Stdout[describe.Stdout.IndexOf("Authorization (as the pod's proxy enforces it):", StringComparison.Ordinal)..];
            Assert.Contains("DENY", authorization);
            Assert.Contains("bookinfo/deny-review-0", authorization);
        }
        finally
        {
            await DeleteAppliedAsync();
        }
    }

    [Fact]
    public async Task A_header_condition_denies_only_the_requests_that_carry_it()
    {
        try
        {
            await ApplyAsync(Policy("deny-blocked-tenant", """
                  selector: {matchLabels: {app: ratings}}
                  action: DENY
                  rules:
                  - when:
                    - key: request.headers[x-tenant]
                      values: ["blocked", "banned-*"]
                """));
            await mesh.WaitUntilAsync(async () => (await GetAsync("reviews-v2", "http://ratings:9080/ratings/0", "x-tenant: blocked")).Status == HttpStatusCode.Forbidden,
                TimeSpan.FromSeconds(20), "ratings to refuse the blocked tenant");
            Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync("reviews-v2", "http://ratings:9080/ratings/0", "x-tenant: banned-42")).Status);
            Assert.Equal(HttpStatusCode.OK, (await GetAsync("reviews-v2", "http://ratings:9080/ratings/0", "x-tenant: acme")).Status);
            Assert.Equal(HttpStatusCode.OK, (await GetAsync("reviews-v2", "http://ratings:9080/ratings/0")).Status);
        }
        finally
        {
            await DeleteAppliedAsync();
        }
    }

    /// <summary>The seed exercise. Principals come from the peers' mTLS certificates, so this passes once the
    /// identity and mTLS parts are in.</summary>
    [Fact]
    public async Task Seed_exercise_strict_mtls_deny_all_then_allow_only_the_bookinfo_call_graph()
    {
        try
        {
            // reviews v3 always asks ratings for red stars, so the page shows whether reviews may still call ratings
            // (the default route would balance over v1, which never calls it, and other scenarios may leave it sticky).
            await ApplyAsync("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews, namespace: bookinfo}
                spec:
                  hosts: [reviews]
                  http:
                  - route:
                    - destination: {host: reviews, subset: v3}
                """);
            // Step 1: strict mTLS mesh-wide.
            await ApplyAsync("""
                apiVersion: security.istio.io/v1beta1
                kind: PeerAuthentication
                metadata: {name: default, namespace: istio-system}
                spec:
                  mtls: {mode: STRICT}
                """);
            // Step 2: deny everything in bookinfo.
            await ApplyAsync(Policy("deny-all", "  {}"));
            await mesh.WaitUntilAsync(async () => (await GetAsync("productpage-v1", "http://reviews:9080/reviews/1")).Body == Denied,
                TimeSpan.FromSeconds(20), "deny-all to refuse productpage's calls to reviews");

            // Step 3: productpage may call reviews and details; the ingress gateway may call productpage.
            await ApplyAsync(Policy("allow-ingress-to-productpage", """
                  selector: {matchLabels: {app: productpage}}
                  action: ALLOW
                  rules:
                  - from: [{source: {principals: ["cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account"]}}]
                    to: [{operation: {methods: ["GET"]}}]
                """));
            foreach (var target in new[] { "reviews", "details" })
            {
                await ApplyAsync(Policy($"allow-productpage-to-{target}", $"""
                      selector:
                        matchLabels:
                          app: {target}
                      action: ALLOW
                      rules:
                      - from:
                        - source:
                            principals: ["cluster.local/ns/bookinfo/sa/bookinfo-productpage"]
                        to:
                        - operation:
                            methods: ["GET"]
                    """));
            }
            // Step 4: reviews may call ratings.
            await ApplyAsync(Policy("allow-reviews-to-ratings", """
                  selector: {matchLabels: {app: ratings}}
                  action: ALLOW
                  rules:
                  - from: [{source: {principals: ["cluster.local/ns/bookinfo/sa/bookinfo-reviews"]}}]
                    to: [{operation: {methods: ["GET"]}}]
                """));

            // Step 7 first: the authorized path works, and the product page renders reviews with stars.
            await mesh.WaitUntilAsync(async () => (await GetAsync("productpage-v1", "http://reviews:9080/reviews/1")).Status == HttpStatusCode.OK,
                TimeSpan.FromSeconds(30), "productpage to reach reviews again");
            var page = "";
            try
            {
                await mesh.WaitUntilAsync(async () =>
                {
                    using var client = mesh.IngressClient();
                    page = await client.GetStringAsync("/productpage");
                    return page.Contains('★') && !page.Contains("unavailable");
                }, TimeSpan.FromSeconds(60), "the product page to render reviews with stars");
            }
            catch (TimeoutException e)
            {
                // Say why: the page's reviews part, and what reviews' apps said of their calls to ratings.
                var reviews = page.Contains("Book Reviews") ? page[page.IndexOf("Book Reviews", StringComparison.Ordinal)..] : page;
                var logs = await mesh.Cli.RunAsync("logs", "-n", "bookinfo", "deploy/reviews-v2");
                throw new TimeoutException($"{e.Message}\nlast page: {reviews[..Math.Min(reviews.Length, 1500)]}\nreviews-v2 said:\n{logs.All[Math.Max(0, logs.All.Length - 3000)..]}", e);
            }

            // Step 6: an unauthorized call is refused with Istio's body.
            var refused = await mesh.Cli.RunAsync("exec", "-n", "bookinfo", "deploy/ratings", "--", "curl", "-s", "http://reviews:9080/reviews/1");
            Assert.Equal(Denied, refused.Stdout.Trim());

            var check = await mesh.Cli.RunAsync("x", "authz", "check", "deploy/reviews-v1", "-n", "bookinfo", "-o", "json");
            Assert.Equal(0, check.ExitCode);
            Assert.Contains("allow-productpage-to-reviews", check.Stdout);
            Assert.Contains("deny-all", check.Stdout);
        }
        finally
        {
            await DeleteAppliedAsync();
        }
    }
}
