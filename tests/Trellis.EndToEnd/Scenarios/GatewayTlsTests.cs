using System.Diagnostics;
using Trellis.EndToEnd.Harness;

namespace Trellis.EndToEnd.Scenarios;

/// <summary>As an operator I terminate TLS at the ingress gateway with the seed's Gateway as written: an HTTPS server for
/// api.example.com and app.example.com whose certificate comes from the Secret named by <c>credentialName</c>, and an
/// HTTP server that redirects to HTTPS. Beside it, a MUTUAL server that demands client certificates from its own CA, and a
/// server held to TLS 1.3, and one whose Secret is renewed while it serves. A real curl, trusting only the CAs the test made, proves each behaviour.</summary>
public sealed class GatewayTlsTests(GatewayTlsTests.TlsGatewayMesh mesh) : IClassFixture<GatewayTlsTests.TlsGatewayMesh>
{
    [Fact]
    public async Task The_seeds_https_server_serves_the_app_with_the_certificate_of_its_credential()
    {
        var (exit, output) = await mesh.CurlAsync("api.example.com", mesh.HttpsPort, "https", "/details/0", "--cacert", mesh.File("production-ca.pem"));

        Assert.True(exit == 0, output);
        Assert.StartsWith("200 ", output);
        Assert.Contains("\"id\":0", output);
    }

    [Fact]
    public async Task The_seeds_http_server_redirects_to_https_on_the_gateways_https_port()
    {
        var (exit, output) = await mesh.CurlAsync("app.example.com", mesh.HttpPort, "http", "/details/0");

        Assert.True(exit == 0, output);
        // Port 443 of the Gateway is the mesh's --https-port in local mode, so the redirect names it and `curl -L` works.
        Assert.StartsWith($"301 https://app.example.com:{mesh.HttpsPort}/details/0", output);
        var (followed, followedOutput) = await mesh.CurlAsync("app.example.com", mesh.HttpPort, "http", "/details/0", "-L",
            "--resolve", $"app.example.com:{mesh.HttpsPort}:127.0.0.1", "--cacert", mesh.File("production-ca.pem"));
        Assert.True(followed == 0, followedOutput);
        Assert.StartsWith("200 ", followedOutput);
    }

    [Fact]
    public async Task Each_host_gets_its_own_certificate_by_sni()
    {
        // mtls.example.com's certificate is signed by another CA: trusting only the production CA fails verification.
        var (exit, output) = await mesh.CurlAsync("mtls.example.com", mesh.HttpsPort, "https", "/details/0", "--cacert", mesh.File("production-ca.pem"),
            "--cert", mesh.File("client.pem"), "--key", mesh.File("client-key.pem"));

        Assert.True(exit == 60, $"expected curl's certificate verification failure (60), got {exit}: {output}");
    }

    [Fact]
    public async Task A_mutual_server_refuses_a_client_without_a_certificate_and_serves_one_its_ca_signed()
    {
        var ca = mesh.File("mtls-ca.pem");
        var (without, withoutOutput) = await mesh.CurlAsync("mtls.example.com", mesh.HttpsPort, "https", "/details/0", "--cacert", ca);
        Assert.True(without != 0 && !withoutOutput.StartsWith("200 ", StringComparison.Ordinal), withoutOutput);

        var (with, withOutput) = await mesh.CurlAsync("mtls.example.com", mesh.HttpsPort, "https", "/details/0", "--cacert", ca,
            "--cert", mesh.File("client.pem"), "--key", mesh.File("client-key.pem"));
        Assert.True(with == 0, withOutput);
        Assert.StartsWith("200 ", withOutput);
    }

    [Fact]
    public async Task A_server_with_minimum_tls_1_3_refuses_a_tls_1_2_client()
    {
        var ca = mesh.File("production-ca.pem");
        var (old, oldOutput) = await mesh.CurlAsync("modern.example.com", mesh.HttpsPort, "https", "/details/0", "--cacert", ca, "--tls-max", "1.2");
        Assert.True(old != 0, oldOutput);

        var (current, currentOutput) = await mesh.CurlAsync("modern.example.com", mesh.HttpsPort, "https", "/details/0", "--cacert", ca, "--tlsv1.3");
        Assert.True(current == 0, currentOutput);
        Assert.StartsWith("200 ", currentOutput);
    }

    [Fact]
    public async Task A_renewed_credential_is_served_without_restarting_anything()
    {
        using var renewedCa = new TestPki("renewed CA");
        var (cert, key) = renewedCa.Issue(false, "rotate.example.com");
        var renewedCaFile = Path.Combine(Path.GetDirectoryName(mesh.File("x"))!, "renewed-ca.pem");
        await System.IO.File.WriteAllTextAsync(renewedCaFile, renewedCa.CaPem);
        var (before, beforeOutput) = await mesh.CurlAsync("rotate.example.com", mesh.HttpsPort, "https", "/details/0", "--cacert", mesh.File("production-ca.pem"));
        Assert.True(before == 0, beforeOutput);

        var manifest = Path.Combine(Path.GetDirectoryName(mesh.File("x"))!, "renewed.yaml");
        await System.IO.File.WriteAllTextAsync(manifest, TlsGatewayMesh.Secret("rotating-cert", "kubernetes.io/tls", ("tls.crt", cert), ("tls.key", key)));
        var applied = await mesh.Cli.RunAsync("apply", "-f", manifest);
        Assert.True(applied.ExitCode == 0, applied.All);

        await mesh.WaitUntilAsync(async () => (await mesh.CurlAsync("rotate.example.com", mesh.HttpsPort, "https", "/details/0", "--cacert", renewedCaFile)).Exit == 0,
            TimeSpan.FromSeconds(30), "the gateway serving the renewed certificate");
    }

    /// <summary>Bookinfo's details app behind the ingress gateway, with the seed's Gateway and two more servers.</summary>
    public sealed class TlsGatewayMesh() : RunningMesh("trellis-e2e-gateway-tls-")
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("trellis-e2e-gateway-tls-manifests-").FullName;

        public int HttpPort { get; } = Ports.Free();
        public int HttpsPort { get; } = Ports.Free();

        public string File(string name) => Path.Combine(_dir, "pki", name);

        public override async Task InitializeAsync()
        {
            Directory.CreateDirectory(Path.Combine(_dir, "pki"));
            using var production = new TestPki("production CA");
            using var mtls = new TestPki("mtls CA");
            var (prodCert, prodKey) = production.Issue(false, "api.example.com", "app.example.com", "modern.example.com");
            var (rotateCert, rotateKey) = production.Issue(false, "rotate.example.com");
            var (mtlsCert, mtlsKey) = mtls.Issue(false, "mtls.example.com");
            var (clientCert, clientKey) = mtls.Issue(true, "client.example.com");
            await System.IO.File.WriteAllTextAsync(File("production-ca.pem"), production.CaPem);
            await System.IO.File.WriteAllTextAsync(File("mtls-ca.pem"), mtls.CaPem);
            await System.IO.File.WriteAllTextAsync(File("client.pem"), clientCert);
            await System.IO.File.WriteAllTextAsync(File("client-key.pem"), clientKey);

            await System.IO.File.WriteAllTextAsync(Path.Combine(_dir, "gateway.yaml"), SeedGateway);
            await System.IO.File.WriteAllTextAsync(Path.Combine(_dir, "app.yaml"), App(
                Secret("production-tls-cert", "kubernetes.io/tls", ("tls.crt", prodCert), ("tls.key", prodKey)),
                Secret("mtls-credential", "Opaque", ("tls.crt", mtlsCert), ("tls.key", mtlsKey), ("ca.crt", mtls.CaPem)),
                Secret("rotating-cert", "kubernetes.io/tls", ("tls.crt", rotateCert), ("tls.key", rotateKey))));
            StartUp(["-f", _dir, "--port", HttpPort.ToString(), "--https-port", HttpsPort.ToString()]);
            await WaitUntilAsync(() => Task.FromResult(PodsFile.Read(Cli.Home) is { Count: 1 } pods && pods.All(p => p.Ready)),
                TimeSpan.FromSeconds(120), "the details pod ready");
            await WaitUntilAsync(async () => (await CurlAsync("api.example.com", HttpsPort, "https", "/details/0", "--cacert", File("production-ca.pem"))).Output
                .StartsWith("200 ", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "the gateway serving api.example.com over TLS");
        }

        /// <summary>curl through the gateway with the host resolved to loopback; prints "CODE REDIRECT-URL BODY".</summary>
        public async Task<(int Exit, string Output)> CurlAsync(string host, int port, string scheme, string path, params string[] options)
        {
            var start = new ProcessStartInfo("curl")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var a in (string[])["-sS", "--max-time", "10", "--resolve", $"{host}:{port}:127.0.0.1", "-w", "\n%{http_code} %{redirect_url}", .. options,
                         $"{scheme}://{host}:{port}{path}"]) start.ArgumentList.Add(a);
            using var curl = Process.Start(start)!;
            var stdout = curl.StandardOutput.ReadToEndAsync();
            var stderr = curl.StandardError.ReadToEndAsync();
            await curl.WaitForExitAsync();
            // -w prints the status after the body: put it first so assertions read naturally.
            var output = await stdout;
            var split = output.LastIndexOf('\n');
            return (curl.ExitCode, $"{output[(split + 1)..].Trim()} {output[..Math.Max(0, split)]}{await stderr}");
        }

        /// <summary>The seed's "Gateway: configure ingress traffic", exactly as written.</summary>
        private const string SeedGateway = """
            # Gateway: configure ingress traffic
            apiVersion: networking.istio.io/v1beta1
            kind: Gateway
            metadata:
              name: production-gateway
              namespace: istio-system
            spec:
              selector:
                istio: ingressgateway
              servers:
              - port:
                  number: 443
                  name: https
                  protocol: HTTPS
                tls:
                  mode: SIMPLE
                  credentialName: production-tls-cert
                hosts:
                - "api.example.com"
                - "app.example.com"
              - port:
                  number: 80
                  name: http
                  protocol: HTTP
                hosts:
                - "*.example.com"
                tls:
                  httpsRedirect: true
            """;

        internal static string Secret(string name, string type, params (string Key, string Pem)[] data) => $"""
            apiVersion: v1
            kind: Secret
            metadata: {"{"}name: {name}, namespace: istio-system{"}"}
            type: {type}
            data:
            {string.Join("\n", data.Select(d => $"  {d.Key}: {Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(d.Pem))}"))}
            ---
            """;

        private static string App(string productionSecret, string mtlsSecret, string rotatingSecret) => $$$"""
            apiVersion: v1
            kind: Namespace
            metadata: {name: edge}
            ---
            {{{productionSecret}}}
            {{{mtlsSecret}}}
            {{{rotatingSecret}}}
            {{{DetailsWorkload.Manifests("edge")}}}
            apiVersion: networking.istio.io/v1
            kind: Gateway
            metadata: {name: more-servers, namespace: istio-system}
            spec:
              selector: {istio: ingressgateway}
              servers:
              - port: {number: 443, name: https-mtls, protocol: HTTPS}
                tls: {mode: MUTUAL, credentialName: mtls-credential}
                hosts: [mtls.example.com]
              - port: {number: 443, name: https-modern, protocol: HTTPS}
                tls: {mode: SIMPLE, credentialName: production-tls-cert, minProtocolVersion: TLSV1_3}
                hosts: [modern.example.com]
              - port: {number: 443, name: https-rotate, protocol: HTTPS}
                tls: {mode: SIMPLE, credentialName: rotating-cert}
                hosts: [rotate.example.com]
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: details-edge, namespace: edge}
            spec:
              hosts: [api.example.com, app.example.com, mtls.example.com, modern.example.com, rotate.example.com]
              gateways: [istio-system/production-gateway, istio-system/more-servers]
              http:
              - route:
                - destination: {host: details, port: {number: 9080}}
            """;
    }
}
