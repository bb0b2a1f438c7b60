using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Trellis.EndToEnd.Harness;

namespace Trellis.EndToEnd.Scenarios;

/// <summary>Istio's "Ingress Gateway without TLS termination", as written: an nginx-like server that terminates TLS
/// itself (openssl s_server with a certificate the test makes), a Gateway with a PASSTHROUGH TLS server for
/// nginx.example.com, and a VirtualService tls route by SNI. A real curl reaches it through the gateway's HTTPS port
/// and trusts the server's own certificate, which proves the gateway did not terminate TLS.</summary>
public sealed class GatewayPassthroughTests : IClassFixture<GatewayPassthroughTests.PassthroughMesh>
{
    private readonly PassthroughMesh _mesh;

    public GatewayPassthroughTests(PassthroughMesh mesh) => _mesh = mesh;

    [Fact]
    public async Task Curl_reaches_the_server_that_terminates_tls_itself_by_sni()
    {
        var (exit, output) = await CurlAsync("nginx.example.com");
        Assert.True(exit == 0, output);
        Assert.Contains("s_server", output);
    }

    [Fact]
    public async Task A_name_no_tls_route_serves_gets_no_connection()
    {
        var (exit, output) = await CurlAsync("other.example.com");
        Assert.True(exit != 0, output);
    }

    private Task<(int Exit, string Output)> CurlAsync(string host) => CurlAsync(_mesh.HttpsPort, _mesh.CaFile, host);

    private static async Task<(int Exit, string Output)> CurlAsync(int port, string caFile, string host)
    {
        var start = new ProcessStartInfo("curl", ["-sS", "--max-time", "10", "--cacert", caFile, "--resolve", $"{host}:{port}:127.0.0.1", $"https://{host}:{port}/"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var curl = Process.Start(start)!;
        var stdout = curl.StandardOutput.ReadToEndAsync();
        var stderr = curl.StandardError.ReadToEndAsync();
        await curl.WaitForExitAsync();
        return (curl.ExitCode, await stdout + await stderr);
    }

    /// <summary>The mesh of the scenario: its manifests are written to a folder with the server's certificate.</summary>
    public sealed class PassthroughMesh() : RunningMesh("trellis-e2e-passthrough-")
    {
        public int HttpsPort { get; } = Ports.Free();
        public string CaFile { get; private set; } = "";

        public override async Task InitializeAsync()
        {
            var dir = Directory.CreateTempSubdirectory("trellis-e2e-passthrough-manifests-").FullName;
            using var key = RSA.Create(2048);
            var request = new CertificateRequest("CN=nginx.example.com, O=some organization", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var san = new SubjectAlternativeNameBuilder();
            san.AddDnsName("nginx.example.com");
            request.CertificateExtensions.Add(san.Build());
            using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
            CaFile = Path.Combine(dir, "nginx.example.com.crt");
            var keyFile = Path.Combine(dir, "nginx.example.com.key");
            await File.WriteAllTextAsync(CaFile, cert.ExportCertificatePem());
            await File.WriteAllTextAsync(keyFile, key.ExportPkcs8PrivateKeyPem());
            await File.WriteAllTextAsync(Path.Combine(dir, "nginx.yaml"), $$$"""
                apiVersion: v1
                kind: Namespace
                metadata: {name: nginx, labels: {istio-injection: enabled}}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: my-nginx, namespace: nginx, labels: {run: my-nginx}}
                spec:
                  ports:
                  - {port: 443, protocol: TCP, name: https}
                  selector: {run: my-nginx}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: my-nginx, namespace: nginx}
                spec:
                  selector: {matchLabels: {run: my-nginx}}
                  replicas: 1
                  template:
                    metadata: {labels: {run: my-nginx}}
                    spec:
                      containers:
                      - name: my-nginx
                        command: ["openssl", "s_server", "-accept", "$(PORT)", "-cert", "{{{CaFile}}}", "-key", "{{{keyFile}}}", "-www"]
                        ports:
                        - containerPort: 443
                ---
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata: {name: mygateway, namespace: nginx}
                spec:
                  selector:
                    istio: ingressgateway
                  servers:
                  - port:
                      number: 443
                      name: https
                      protocol: HTTPS
                    tls:
                      mode: PASSTHROUGH
                    hosts:
                    - nginx.example.com
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: nginx, namespace: nginx}
                spec:
                  hosts:
                  - nginx.example.com
                  gateways:
                  - mygateway
                  tls:
                  - match:
                    - port: 443
                      sniHosts:
                      - nginx.example.com
                    route:
                    - destination:
                        host: my-nginx
                        port:
                          number: 443
                """);
            StartUp(["-f", dir, "--port", Ports.Free().ToString(), "--https-port", HttpsPort.ToString()]);
            await WaitUntilAsync(() => Task.FromResult(PodsFile.Read(Cli.Home) is { Count: 1 } pods && pods.All(p => p.Ready)),
                TimeSpan.FromSeconds(120), "the my-nginx pod ready");
            // The pod can be ready before the gateway has its TLS listener from the control plane.
            await WaitUntilAsync(async () => (await CurlAsync(HttpsPort, CaFile, "nginx.example.com")).Exit == 0,
                TimeSpan.FromSeconds(60), "the gateway passing nginx.example.com through");
        }
    }
}
