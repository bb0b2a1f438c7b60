using Trellis.Runtime;

namespace Trellis.LocalMode.Tests.Workloads;

/// <summary>The control plane learns local pods from the pods file the runtime writes, through this source.</summary>
public sealed class LocalPodWorkloadsTests : IAsyncDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);
    private readonly MeshHome _home = new(Directory.CreateTempSubdirectory("trellis-localmode-").FullName);

    [Fact]
    public async Task A_pod_the_runtime_publishes_becomes_a_workload_with_its_identity_and_inbound_port()
    {
        await using var source = new LocalPodWorkloads(_home, Poll);
        var changed = new TaskCompletionSource();
        source.Changed += () => changed.TrySetResult();
        Assert.Empty(source.Workloads);

        PodStateStore.Write(_home, [Pod("reviews-v1-a", ready: true)]);

        await changed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var workload = Assert.Single(source.Workloads);
        Assert.Equal(("reviews-v1-a", "bookinfo", "reviews-v1", "bookinfo-reviews", "127.0.0.1", 21001, true),
            (workload.PodName, workload.Namespace, workload.WorkloadName, workload.ServiceAccount, workload.Address, workload.InboundPort, workload.Ready));
        Assert.Equal("v1", workload.Version);
    }

    [Fact]
    public async Task The_pods_own_ports_are_private_so_passthrough_never_reaches_them()
    {
        PodStateStore.Write(_home, [Pod("reviews-v1-a", ready: false)]);

        await using var source = new LocalPodWorkloads(_home, Poll);

        Assert.Equal(new Dictionary<int, string>
        {
            [21000] = "a pod's app port, behind its sidecar",
            [21003] = "a pod's app port, behind its sidecar",
            [21002] = "a proxy's admin port",
            [21004] = "a sidecar's outbound port",
        }, source.PrivatePorts.OrderBy(p => p.Key).ToDictionary());
    }

    [Fact]
    public async Task A_pod_turning_ready_is_announced_and_a_rewrite_that_changes_nothing_is_not()
    {
        PodStateStore.Write(_home, [Pod("reviews-v1-a", ready: false)]);
        await using var source = new LocalPodWorkloads(_home, Poll);
        var changes = 0;
        source.Changed += () => Interlocked.Increment(ref changes);

        PodStateStore.Write(_home, [Pod("reviews-v1-a", ready: false) with { Restarts = 1 }]);
        await Task.Delay(Poll * 10);
        Assert.Equal(0, Volatile.Read(ref changes));

        PodStateStore.Write(_home, [Pod("reviews-v1-a", ready: true)]);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Volatile.Read(ref changes) == 0 && DateTime.UtcNow < deadline) await Task.Delay(Poll);
        Assert.Equal(1, Volatile.Read(ref changes));
        Assert.True(Assert.Single(source.Workloads).Ready);
    }

    private static PodState Pod(string name, bool ready) => new(
        name, "bookinfo", "reviews-v1", new Dictionary<string, string> { ["app"] = "reviews", ["version"] = "v1" }, "bookinfo-reviews",
        "127.0.0.1", AppPort: 21000, InboundPort: 21001, OutboundPort: 21004, AdminPort: 21002, ContainerPort: 9080,
        [new ContainerPortMapping(9080, 21003)], "reviews", ready ? PodPhase.Running : PodPhase.Pending, ready, ready, 0, null, null, null,
        DateTimeOffset.UnixEpoch, "hash");

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_home.Root, recursive: true);
        return ValueTask.CompletedTask;
    }
}
