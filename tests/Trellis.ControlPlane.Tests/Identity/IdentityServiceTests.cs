using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Envoy.Config.Core.V3;
using Envoy.Service.Discovery.V3;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Istio.V1.Auth;
using Metadata = Grpc.Core.Metadata;
using Trellis.ControlPlane.Identity;
using Trellis.ControlPlane.Mesh;
using Trellis.ControlPlane.Tests.Inputs;

namespace Trellis.ControlPlane.Tests.Identity;

/// <summary>A running control plane with identities: the CA signs only what the caller's pod token proves, and the xDS
/// server serves a sidecar only as the node its token proves.</summary>
public sealed class IdentityServiceTests : IAsyncLifetime
{
    private static readonly WorkloadIdentity PodA = new("bookinfo", "bookinfo-reviews", "reviews-v1-a");
    private static readonly WorkloadIdentity PodB = new("bookinfo", "bookinfo-ratings", "ratings-v1-b");

    private readonly string _home = Directory.CreateTempSubdirectory("trellis-cp-identity-").FullName;
    private readonly CancellationTokenSource _stop = new();
    private Task _controlPlane = Task.CompletedTask;
    private GrpcChannel _channel = null!;
    private PodTokenAuthority _tokens = null!;
    private readonly FakeWorkloads _workloads = new();

    public async Task InitializeAsync()
    {
        var tokenKey = Path.Combine(_home, "identity", "token-signing-key.pem");
        _tokens = PodTokenAuthority.LoadOrCreate(tokenKey);
        var xdsPort = Ports.Free();
        _workloads.Publish([new WorkloadModel(PodB.Pod, PodB.Namespace, "ratings-v1", new Dictionary<string, string> { ["app"] = "ratings" },
            PodB.ServiceAccount, "127.0.0.1", 9080, Ready: false)]);
        var options = new ControlPlaneOptions(Path.Combine(_home, "store"), _workloads, xdsPort, Ports.Free(), "credential")
        {
            Identity = new IdentityOptions(Path.Combine(_home, "identity"), null, tokenKey, TimeSpan.FromHours(24), TimeSpan.FromDays(90)),
        };
        _controlPlane = ControlPlaneHost.RunAsync(options, _stop.Token);
        _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{xdsPort}", new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler { UseProxy = false } });
        for (var i = 0; i < 200; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", xdsPort);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        throw new TimeoutException("the control plane did not listen");
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _controlPlane;
        }
        catch (OperationCanceledException)
        {
        }
        _channel.Dispose();
        _tokens.Dispose();
        Directory.Delete(_home, recursive: true);
    }

    [Fact]
    public async Task A_pod_token_gets_a_certificate_for_its_own_service_account()
    {
        var response = await Ca().CreateCertificateAsync(new IstioCertificateRequest { Csr = TestCa.Csr(), ValidityDuration = 600 }, Bearer(_tokens.Issue(PodA)));

        var leaf = X509Certificate2.CreateFromPem(response.CertChain[0]);
        Assert.Contains("spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews", leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().Format(false));
        Assert.InRange((leaf.NotAfter.ToUniversalTime() - DateTime.UtcNow).TotalSeconds, 590, 610);
    }

    [Fact]
    public async Task Pod_a_asking_for_pod_bs_identity_is_refused_with_permission_denied()
    {
        var csr = TestCa.Csr(PodB.SpiffeId("cluster.local"));

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            Ca().CreateCertificateAsync(new IstioCertificateRequest { Csr = csr }, Bearer(_tokens.Issue(PodA))).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
    }

    [Fact]
    public async Task A_certificate_request_without_a_valid_token_is_unauthenticated()
    {
        using var stranger = PodTokenAuthority.LoadOrCreate(Path.Combine(_home, "other-key.pem"));
        string?[] credentials = [null, "garbage", _tokens.Issue(PodA, TimeSpan.FromMinutes(-5)), stranger.Issue(PodA)];
        foreach (var token in credentials)
        {
            var e = await Assert.ThrowsAsync<RpcException>(() =>
                Ca().CreateCertificateAsync(new IstioCertificateRequest { Csr = TestCa.Csr() }, token is null ? new Metadata() : Bearer(token)).ResponseAsync);
            Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        }
    }

    [Fact]
    public async Task A_sidecar_announcing_its_own_pod_is_served()
    {
        var response = await FirstResponse(SidecarNode(PodA), Bearer(_tokens.Issue(PodA)));

        Assert.NotNull(response);
    }

    [Fact]
    public async Task A_forged_node_id_is_refused_with_permission_denied()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => FirstResponse(SidecarNode(PodB), Bearer(_tokens.Issue(PodA))));

        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
    }

    [Fact]
    public async Task A_sidecar_claiming_another_service_account_in_its_metadata_is_refused()
    {
        var node = SidecarNode(PodA);
        node.Metadata.Fields["SERVICE_ACCOUNT"] = Value.ForString(PodB.ServiceAccount);

        var e = await Assert.ThrowsAsync<RpcException>(() => FirstResponse(node, Bearer(_tokens.Issue(PodA))));

        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
    }

    [Fact]
    public async Task A_sidecar_without_a_token_is_unauthenticated()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => FirstResponse(SidecarNode(PodA), new Metadata()));

        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
    }

    [Fact]
    public async Task A_proxyless_grpc_client_without_a_token_is_served_as_anonymous()
    {
        var node = SidecarNode(PodA);
        node.Metadata.Fields["GENERATOR"] = Value.ForString("grpc");

        var response = await FirstResponse(node, new Metadata());

        Assert.NotNull(response);
    }

    [Fact]
    public async Task An_anonymous_client_cannot_claim_a_pod_that_runs_a_sidecar_even_before_the_sidecar_connects()
    {
        var node = SidecarNode(PodB);
        node.Metadata.Fields["GENERATOR"] = Value.ForString("grpc");

        var e = await Assert.ThrowsAsync<RpcException>(() => FirstResponse(node, new Metadata()));

        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
        Assert.Contains("runs a sidecar", e.Status.Detail);
        Assert.NotNull(await FirstResponse(SidecarNode(PodB), Bearer(_tokens.Issue(PodB))));
    }

    [Fact]
    public async Task A_stream_ends_when_the_token_that_opened_it_expires_so_the_proxy_reconnects_with_its_fresh_one()
    {
        // Expired 25 s ago: still inside the 30 s of clock skew allowed, so it opens a stream that has 5 s to live.
        var token = _tokens.Issue(PodA, TimeSpan.FromSeconds(-25));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var call = new AggregatedDiscoveryService.AggregatedDiscoveryServiceClient(_channel)
            .StreamAggregatedResources(Bearer(token), cancellationToken: timeout.Token);
        await call.RequestStream.WriteAsync(new DiscoveryRequest { Node = SidecarNode(PodA), TypeUrl = "type.googleapis.com/envoy.config.cluster.v3.Cluster" });
        Assert.True(await call.ResponseStream.MoveNext(timeout.Token));

        var ended = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(timeout.Token));

        Assert.Equal(StatusCode.Unauthenticated, ended.StatusCode);
        Assert.Contains("expired", ended.Status.Detail);
        Assert.False(timeout.IsCancellationRequested);
    }

    private IstioCertificateService.IstioCertificateServiceClient Ca() => new(_channel);

    private static Metadata Bearer(string token) => new() { { "authorization", "Bearer " + token } };

    private static Node SidecarNode(WorkloadIdentity pod)
    {
        var metadata = new Struct();
        metadata.Fields["NAMESPACE"] = Value.ForString(pod.Namespace);
        metadata.Fields["NAME"] = Value.ForString(pod.Pod);
        metadata.Fields["SERVICE_ACCOUNT"] = Value.ForString(pod.ServiceAccount);
        return new Node { Id = $"sidecar~127.0.0.1~{pod.Pod}.{pod.Namespace}~{pod.Namespace}.svc.cluster.local", Metadata = metadata };
    }

    private async Task<DiscoveryResponse> FirstResponse(Node node, Metadata headers)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var call = new AggregatedDiscoveryService.AggregatedDiscoveryServiceClient(_channel).StreamAggregatedResources(headers, cancellationToken: timeout.Token);
        await call.RequestStream.WriteAsync(new DiscoveryRequest { Node = node, TypeUrl = "type.googleapis.com/envoy.config.cluster.v3.Cluster" });
        Assert.True(await call.ResponseStream.MoveNext(timeout.Token));
        return call.ResponseStream.Current;
    }
}
