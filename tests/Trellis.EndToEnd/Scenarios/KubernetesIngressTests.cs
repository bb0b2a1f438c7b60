using System.Net;
using Trellis.EndToEnd.Harness;

namespace Trellis.EndToEnd.Scenarios;

/// <summary>Istio's Kubernetes Ingress task on Bookinfo: an Ingress of Istio's class exposes the product page for one
/// host through the ingress gateway; paths it does not list are 404 for that host; deleting it gives the host back to
/// the gateway's other routes.</summary>
[Collection(BookinfoCollection.Name)]
public sealed class KubernetesIngressTests(BookinfoMesh mesh)
{
    private const string Ingress = """
        apiVersion: networking.k8s.io/v1
        kind: IngressClass
        metadata: {name: istio}
        spec: {controller: istio.io/ingress-controller}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: bookinfo, namespace: bookinfo}
        spec:
          ingressClassName: istio
          rules:
          - host: bookinfo.example.com
            http:
              paths:
              - path: /productpage
                pathType: Exact
                backend:
                  service:
                    name: productpage
                    port: {number: 9080}
        """;

    private async Task<HttpStatusCode> GetAsync(string path, string? host = "bookinfo.example.com")
    {
        using var client = mesh.IngressClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (host is not null) request.Headers.Host = host;
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task An_istio_class_ingress_serves_its_host_and_paths_through_the_ingress_gateway()
    {
        var file = Path.Combine(mesh.Cli.Home, "bookinfo-ingress.yaml");
        await File.WriteAllTextAsync(file, Ingress);
        try
        {
            var apply = await mesh.Cli.RunAsync("apply", "-f", file);
            Assert.True(apply.ExitCode == 0, apply.All);
            Assert.DoesNotContain("TRL0006", apply.All);
            await mesh.WaitUntilAsync(async () => await GetAsync("/login") == HttpStatusCode.NotFound, TimeSpan.FromSeconds(15),
                "the Ingress's host to route only its own paths");

            Assert.Equal(HttpStatusCode.OK, await GetAsync("/productpage"));
            Assert.Equal(HttpStatusCode.OK, await GetAsync("/login", host: null));

            var ingresses = await mesh.Cli.RunAsync("get", "ingresses", "-n", "bookinfo");
            Assert.True(ingresses.ExitCode == 0, ingresses.All);
            Assert.Contains("bookinfo", ingresses.Stdout);
            var classes = await mesh.Cli.RunAsync("get", "ingressclasses");
            Assert.True(classes.ExitCode == 0, classes.All);
            Assert.Contains("istio", classes.Stdout);
        }
        finally
        {
            await mesh.Cli.RunAsync("delete", "-f", file);
        }
        await mesh.WaitUntilAsync(async () => await GetAsync("/login") == HttpStatusCode.OK, TimeSpan.FromSeconds(15),
            "the host to fall back to the bookinfo gateway's routes once the Ingress is deleted");
    }
}
