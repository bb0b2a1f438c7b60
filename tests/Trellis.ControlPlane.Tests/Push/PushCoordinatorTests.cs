using Envoy.Config.Cluster.V3;
using Envoy.Config.Endpoint.V3;
using Microsoft.Extensions.Logging.Abstractions;
using Trellis.ControlPlane.Api;
using Trellis.ControlPlane.Mesh;
using Trellis.ControlPlane.Push;
using Trellis.ControlPlane.Store;
using Trellis.ControlPlane.Tests.Inputs;
using Trellis.ControlPlane.Translation;
using Trellis.Xds;
using Trellis.Xds.Server;

namespace Trellis.ControlPlane.Tests.Push;

/// <summary>Push depends on the sources' interfaces only: whatever source reports a pod, connected proxies get it.</summary>
public sealed class PushCoordinatorTests : IAsyncLifetime
{
    private const string ProductPage = "sidecar~127.0.0.1~productpage-v1-a.bookinfo~bookinfo.svc.cluster.local";
    private const string ReviewsCluster = "outbound|9080||reviews.bookinfo.svc.cluster.local";

    private readonly string _dir = Directory.CreateTempSubdirectory("trellis-push-").FullName;
    private readonly FakeWorkloads _workloads = new();
    private readonly XdsSnapshotCache _cache = new();
    private PushCoordinator _push = null!;

    public async Task InitializeAsync()
    {
        var store = new ConfigStore(_dir);
        store.Apply(new ApplyRequest([new ManifestFile("/manifests/reviews.yaml", """
            apiVersion: v1
            kind: Service
            metadata: {name: reviews, namespace: bookinfo}
            spec:
              ports: [{port: 9080, name: http}]
              selector: {app: reviews}
            """)]));
        _push = new PushCoordinator(store, _workloads, _cache, new ControlPlaneOptions(_dir, _workloads, 15010, 15011, "credential"),
            NullLogger<PushCoordinator>.Instance);
        await _push.OnConnectedAsync(new NodeInfo(ProductPage, "", "", new Dictionary<string, string>(), new Dictionary<string, string> { ["app"] = "productpage" }), CancellationToken.None);
    }

    [Fact]
    public async Task A_pod_the_workload_source_reports_reaches_a_connected_proxy_as_an_endpoint()
    {
        Assert.Empty(Endpoints());
        var version = EdsVersion();

        _workloads.Publish([Reviews("reviews-v1-a", 20001, ready: true), Reviews("reviews-v2-a", 20002, ready: false)]);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Endpoints().Count == 0 && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Equal([20001], Endpoints());
        Assert.NotEqual(version, EdsVersion());
    }

    [Fact]
    public async Task A_port_the_workload_source_reserves_is_kept_from_passthrough_on_the_next_push()
    {
        Assert.DoesNotContain("23456", ReservedPorts());

        _workloads.Publish([], new Dictionary<int, string> { [23456] = "a pod's app port, behind its sidecar" });

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!ReservedPorts().Contains("23456") && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Contains("23456", ReservedPorts());
    }

    private static WorkloadModel Reviews(string pod, int inboundPort, bool ready) => new(
        pod, "bookinfo", pod[..^2], new Dictionary<string, string> { ["app"] = "reviews" }, "bookinfo-reviews", "127.0.0.1", inboundPort, ready);

    private XdsSnapshot Snapshot() => Assert.IsType<XdsSnapshot>(_cache.TryGet(ProductPage, out var s) ? s : null);

    private string? EdsVersion() => Snapshot().VersionOf(TypeUrls.ClusterLoadAssignment);

    private IEnumerable<string> ReservedPorts() =>
        Snapshot().Resources(TypeUrls.Cluster, new HashSet<string> { ClusterNames.Passthrough }).Select(r => r.Message<Cluster>())
            .SelectMany(c => c.Metadata.FilterMetadata[PassthroughGuard.MetadataKey].Fields[PassthroughGuard.ReservedPortsField].StructValue.Fields.Values)
            .SelectMany(ranges => ranges.StringValue.Split(','));

    private List<uint> Endpoints() =>
        Snapshot().Resources(TypeUrls.ClusterLoadAssignment, new HashSet<string> { ReviewsCluster })
            .Select(r => r.Message<ClusterLoadAssignment>())
            .SelectMany(a => a.Endpoints).SelectMany(l => l.LbEndpoints)
            .Select(e => e.Endpoint.Address.SocketAddress.PortValue).ToList();

    public async Task DisposeAsync()
    {
        await _push.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }
}
