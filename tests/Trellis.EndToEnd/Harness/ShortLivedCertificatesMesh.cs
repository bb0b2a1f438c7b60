namespace Trellis.EndToEnd.Harness;

/// <summary>A two-pod mesh (a client with only its sidecar, and Bookinfo's details app) whose workload certificates live
/// one minute (Istio's DEFAULT_WORKLOAD_CERT_TTL and SECRET_TTL), under mesh-wide STRICT mutual TLS, so every proxy
/// renews its certificate about every half minute while a scenario drives traffic between the two sidecars.</summary>
public sealed class ShortLivedCertificatesMesh() : RunningMesh("trellis-e2e-rotation-")
{
    public static readonly TimeSpan CertificateTtl = TimeSpan.FromMinutes(1);

    private readonly string _manifests = Directory.CreateTempSubdirectory("trellis-e2e-rotation-manifests-").FullName;

    public override async Task InitializeAsync()
    {
        File.WriteAllText(Path.Combine(_manifests, "mesh.yaml"), Manifests);
        var ttl = $"{(int)CertificateTtl.TotalSeconds}s";
        StartUp(["-f", _manifests, "--port", Ports.Free().ToString(), "--https-port", Ports.Free().ToString()],
            new Dictionary<string, string> { ["DEFAULT_WORKLOAD_CERT_TTL"] = ttl, ["SECRET_TTL"] = ttl });
        await WaitUntilAsync(() => Task.FromResult(PodsFile.Read(Cli.Home) is { Count: 2 } pods && pods.All(p => p.Ready)),
            TimeSpan.FromSeconds(120), "the client and details pods ready");
    }

    private static string Manifests => $$$"""
        apiVersion: v1
        kind: Namespace
        metadata: {name: rotation}
        ---
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: default, namespace: istio-system}
        spec:
          mtls: {mode: STRICT}
        ---
        {{{DetailsWorkload.Manifests("rotation", serviceAccount: "details")}}}
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: client, namespace: rotation}
        spec:
          selector: {matchLabels: {app: client}}
          template:
            metadata: {labels: {app: client, version: v1}}
            spec:
              containers:
              - name: client
                command: ["sleep", "infinity"]
        """;
}
