using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Envoy.Config.Core.V3;
using Envoy.Service.Discovery.V3;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Istio.V1.Auth;
using Trellis.EndToEnd.Harness;
using Metadata = Grpc.Core.Metadata;

namespace Trellis.EndToEnd.Scenarios;

/// <summary>Every proxy of a mesh holds a certificate for its pod's service account, and a process holding one pod's
/// token can neither get another workload's certificate nor another proxy's configuration.</summary>
[Collection(BookinfoCollection.Name)]
public sealed class WorkloadIdentityTests(BookinfoMesh mesh)
{
    [Fact]
    public async Task Proxy_config_secret_shows_the_spiffe_id_of_the_pods_service_account()
    {
        var table = await mesh.Cli.RunAsync("proxy-config", "secret", "deploy/reviews-v1", "-n", "bookinfo");

        Assert.True(table.ExitCode == 0, table.All);
        var lines = table.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("RESOURCE NAME", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("default", StringComparison.Ordinal) && l.Contains("Cert Chain") && l.Contains("ACTIVE") && l.Contains("true")
            && l.Contains("spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews"));
        Assert.Contains(lines, l => l.StartsWith("ROOTCA", StringComparison.Ordinal) && l.Contains("CA"));

        var json = await mesh.Cli.RunAsync("proxy-config", "secret", "deploy/reviews-v1", "-n", "bookinfo", "-o", "json");
        Assert.Contains("[redacted]", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(JsonDocument.Parse(json.Stdout).RootElement
            .GetProperty("dynamic_active_secrets").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "default")
            .GetProperty("secret").GetProperty("tls_certificate").GetProperty("private_key").GetProperty("inline_bytes").GetString()!)));
        Assert.DoesNotContain("PRIVATE KEY", json.Stdout);
    }

    [Fact]
    public async Task A_process_with_pod_as_token_is_refused_pod_bs_identity_and_configuration()
    {
        var reviews = PodsFile.Read(mesh.Cli.Home).First(p => p.Deployment == "reviews-v1");
        var ratings = PodsFile.Read(mesh.Cli.Home).First(p => p.Deployment == "ratings-v1");
        var stolen = File.ReadAllText(Path.Combine(mesh.Cli.Home, "secrets", reviews.Namespace, reviews.Name, "istio-token")).Trim();
        var bearer = new Metadata { { "authorization", "Bearer " + stolen } };
        using var channel = GrpcChannel.ForAddress(await XdsUrl(), new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler { UseProxy = false } });

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName(""), key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddUri(new Uri("spiffe://cluster.local/ns/bookinfo/sa/bookinfo-ratings"));
        request.CertificateExtensions.Add(names.Build(true));
        var ca = new IstioCertificateService.IstioCertificateServiceClient(channel);
        var theft = await Assert.ThrowsAsync<RpcException>(() =>
            ca.CreateCertificateAsync(new IstioCertificateRequest { Csr = request.CreateSigningRequestPem() }, bearer).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, theft.StatusCode);

        var metadata = new Struct();
        metadata.Fields["NAMESPACE"] = Value.ForString(ratings.Namespace);
        metadata.Fields["NAME"] = Value.ForString(ratings.Name);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var ads = new AggregatedDiscoveryService.AggregatedDiscoveryServiceClient(channel).StreamAggregatedResources(bearer, cancellationToken: timeout.Token);
        await ads.RequestStream.WriteAsync(new DiscoveryRequest
        {
            Node = new Node { Id = $"sidecar~127.0.0.1~{ratings.Name}.{ratings.Namespace}~{ratings.Namespace}.svc.cluster.local", Metadata = metadata },
            TypeUrl = "type.googleapis.com/envoy.config.listener.v3.Listener",
        });
        var forged = await Assert.ThrowsAsync<RpcException>(() => ads.ResponseStream.MoveNext(timeout.Token));
        Assert.Equal(StatusCode.PermissionDenied, forged.StatusCode);

        // With its own token the honest path works: the CA signs the pod's own identity.
        var own = await ca.CreateCertificateAsync(new IstioCertificateRequest { Csr = new CertificateRequest(new X500DistinguishedName(""), key, HashAlgorithmName.SHA256).CreateSigningRequestPem() }, bearer);
        Assert.Contains("spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews",
            X509Certificate2.CreateFromPem(own.CertChain[0]).Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().Format(false));
    }

    private async Task<string> XdsUrl()
    {
        var status = await mesh.Cli.RunAsync("status", "-o", "json");
        return JsonDocument.Parse(status.Stdout).RootElement.GetProperty("controlPlane").GetProperty("xds").GetString()!;
    }
}
