using System.Globalization;
using System.Net;
using Trellis.EndToEnd.Harness;

namespace Trellis.EndToEnd.Scenarios;

/// <summary>The ingress gateway faces outside clients: it listens on loopback unless told otherwise, and its
/// own error replies say nothing about clusters or endpoints (the reason goes to its log), while a sidecar
/// keeps explaining the same failure to its app. A mesh config switch shows the reasons at the edge too.</summary>
[Collection(BookinfoCollection.Name)]
public sealed class EdgeReplyTests(BookinfoMesh mesh)
{
    // A service no pod backs: the proxy that routes to it answers 503 UH by itself.
    private const string Broken = """
        apiVersion: v1
        kind: Service
        metadata: {name: ghost, namespace: bookinfo}
        spec:
          selector: {app: ghost}
          ports: [{name: http, port: 9080}]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: broken-edge, namespace: bookinfo}
        spec:
          hosts: [broken.example]
          gateways: [bookinfo-gateway]
          http:
          - route:
            - destination: {host: ghost, port: {number: 9080}}
        """;

    private const string Ghost = "outbound|9080||ghost.bookinfo.svc.cluster.local";

    private const string GatewayReasons = """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: istio, namespace: istio-system}
        data:
          mesh: |
            defaultConfig:
              proxyMetadata:
                TRELLIS_GATEWAY_REASONS: "true"
        """;

    [Fact]
    public void The_ingress_listens_on_loopback_only()
    {
        var listening = ListeningAddresses(mesh.IngressPort);

        Assert.Equal(["127.0.0.1"], listening);
    }

    [Fact]
    public async Task A_404_from_the_ingress_carries_no_reason()
    {
        using var client = mesh.IngressClient();
        using var response = await client.GetAsync("/no-such-page");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(response.Headers.Contains("x-trellis-reason"));
    }

    [Fact]
    public async Task A_503_is_explained_to_an_app_by_its_sidecar_but_not_to_outside_clients_unless_the_mesh_config_says_so()
    {
        var broken = await Write(Broken);
        var reasons = await Write(GatewayReasons);
        try
        {
            Assert.True((await mesh.Cli.RunAsync("apply", "-f", broken)).ExitCode == 0);
            using var app = mesh.ClientInPod("productpage-v1");
            await mesh.WaitUntilAsync(async () => (await app.GetAsync("http://ghost:9080/")).StatusCode == HttpStatusCode.ServiceUnavailable,
                TimeSpan.FromSeconds(20), "the ghost service to reach productpage's sidecar");
            using (var inside = await app.GetAsync("http://ghost:9080/"))
                Assert.Contains(Ghost, inside.Headers.GetValues("x-trellis-reason").Single());

            await mesh.WaitUntilAsync(async () => (await EdgeAsync()).StatusCode == HttpStatusCode.ServiceUnavailable,
                TimeSpan.FromSeconds(20), "the broken edge route to reach the ingress");
            using (var outside = await EdgeAsync())
            {
                Assert.False(outside.Headers.Contains("x-trellis-reason"));
                Assert.DoesNotContain("ghost", await outside.Content.ReadAsStringAsync());
            }
            // The gateway writes its log off the request path: the line may land a moment after the reply.
            var gatewayLog = Path.Combine(mesh.Cli.Home, "logs", "istio-system", "istio-ingressgateway.log");
            await mesh.WaitUntilAsync(async () => (await File.ReadAllTextAsync(gatewayLog)).Contains(Ghost, StringComparison.Ordinal),
                TimeSpan.FromSeconds(10), "the gateway to log the reason it kept from the client");

            Assert.True((await mesh.Cli.RunAsync("apply", "-f", reasons)).ExitCode == 0);
            await mesh.WaitUntilAsync(async () => (await EdgeAsync()).Headers.Contains("x-trellis-reason"),
                TimeSpan.FromSeconds(20), "the gateway to show reasons once the mesh config asks");
            using (var debugging = await EdgeAsync())
                Assert.Contains(Ghost, debugging.Headers.GetValues("x-trellis-reason").Single());
        }
        finally
        {
            await mesh.Cli.RunAsync("delete", "-f", reasons);
            await mesh.Cli.RunAsync("delete", "-f", broken);
        }
    }

    private async Task<HttpResponseMessage> EdgeAsync()
    {
        using var client = mesh.IngressClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/productpage");
        request.Headers.Host = "broken.example";
        return await client.SendAsync(request);
    }

    private async Task<string> Write(string yaml)
    {
        var file = Path.Combine(mesh.Cli.Home, $"edge-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, yaml);
        return file;
    }

    /// <summary>The local addresses with a listening TCP socket on <paramref name="port"/>, as the kernel reports them.</summary>
    private static List<string> ListeningAddresses(int port)
    {
        const string listen = "0A";
        var found = new List<string>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var local = fields[1].Split(':');
                if (fields[3] != listen || int.Parse(local[1], NumberStyles.HexNumber) != port) continue;
                var bytes = Convert.FromHexString(local[0]);
                // /proc prints each 32-bit word of the address in host (little-endian) order.
                for (var i = 0; i < bytes.Length; i += 4) Array.Reverse(bytes, i, 4);
                found.Add(new IPAddress(bytes).ToString());
            }
        }
        return found;
    }
}
