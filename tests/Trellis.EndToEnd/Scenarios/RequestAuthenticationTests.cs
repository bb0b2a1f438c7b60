using System.Net;
using Trellis.EndToEnd.Harness;

namespace Trellis.EndToEnd.Scenarios;

/// <summary>Istio's "JWT authentication" task on Bookinfo's product page: once a RequestAuthentication names an
/// issuer whose keys the control plane fetches from its jwksUri, a reader without a token still gets the page,
/// a reader with that issuer's token gets it too, and a forged or expired token is turned away with 401.</summary>
[Collection(BookinfoCollection.Name)]
public sealed class RequestAuthenticationTests(BookinfoMesh mesh)
{
    private static string Policy(string jwksUri) => $"""
        apiVersion: security.istio.io/v1
        kind: RequestAuthentication
        metadata:
          name: productpage-jwt
          namespace: bookinfo
        spec:
          selector:
            matchLabels:
              app: productpage
          jwtRules:
          - issuer: "testing@secure.istio.io"
            jwksUri: "{jwksUri}"
            outputClaimToHeaders:
            - header: x-jwt-group
              claim: groups
        """;

    private async Task<(HttpStatusCode Status, string Body, string? Challenge)> ProductPageAsync(string? token)
    {
        using var client = mesh.IngressClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/productpage");
        if (token is not null) request.Headers.Add("authorization", $"Bearer {token}");
        using var response = await client.SendAsync(request);
        var challenge = response.Headers.TryGetValues("www-authenticate", out var values) ? values.Single() : null;
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), challenge);
    }

    [Fact]
    public async Task A_forged_token_is_refused_while_no_token_and_a_valid_token_get_the_page()
    {
        await using var issuer = await JwtIssuer.StartAsync();
        var file = Path.Combine(mesh.Cli.Home, "request-authentication.yaml");
        await File.WriteAllTextAsync(file, Policy(issuer.JwksUri));
        var applied = await mesh.Cli.RunAsync("apply", "-f", file);
        Assert.True(applied.ExitCode == 0, applied.All);
        try
        {
            // The control plane fetches the issuer's jwksUri after the apply; until the keys arrive every token is refused
            // (fail closed, "Jwks doesn't have key..."). Once they are in place a forged token fails verification.
            var forged = issuer.Forged("root");
            (HttpStatusCode Status, string Body, string? Challenge) refused = default;
            await mesh.WaitUntilAsync(async () => (refused = await ProductPageAsync(forged)) is { Status: HttpStatusCode.Unauthorized, Body: "Jwt verification fails" },
                TimeSpan.FromSeconds(30), "the product page's sidecar to refuse a forged token against the fetched keys");
            Assert.Contains("error=\"invalid_token\"", refused.Challenge);

            // The keys came from the issuer's jwksUri: a token it signed is accepted.
            Assert.Equal(HttpStatusCode.OK, (await ProductPageAsync(issuer.Token("alice", "readers"))).Status);
            Assert.Equal(HttpStatusCode.OK, (await ProductPageAsync(null)).Status);
        }
        finally
        {
            await mesh.Cli.RunAsync("delete", "-f", file);
        }
    }
}
