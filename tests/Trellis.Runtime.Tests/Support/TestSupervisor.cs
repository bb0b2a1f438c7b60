using System.Collections.Concurrent;

namespace Trellis.Runtime.Tests;

/// <summary>A <see cref="LocalSupervisor"/> on a throw-away home that records its events; disposing stops every pod.</summary>
internal sealed class TestSupervisor : IAsyncDisposable
{
    private readonly ConcurrentQueue<PodEvent> _events = new();

    /// <summary><paramref name="sidecar"/> builds the sidecar launcher from the home (for its record files);
    /// by default the sidecar is a sleeping process, ready as soon as it runs.</summary>
    public TestSupervisor(Func<TestHome, SidecarLauncher>? sidecar = null, LocalSupervisorOptions? options = null)
    {
        Supervisor = new LocalSupervisor(Home.Mesh, sidecar?.Invoke(Home) ?? Fake.SleepingSidecar, options ?? Fake.SleepingSidecarOptions);
        Supervisor.PodEvent += _events.Enqueue;
    }

    public TestHome Home { get; } = new();

    public LocalSupervisor Supervisor { get; }

    public IReadOnlyList<PodEvent> Events => [.. _events];

    public IReadOnlyList<string> MessagesOf(string pod) => Events.Where(e => e.Pod == pod).Select(e => e.Message).ToList();

    public IReadOnlyList<PodState> PodsOf(string deployment) =>
        Supervisor.Pods.Where(p => p.Deployment == deployment).OrderBy(p => p.StartedAt).ToList();

    public IReadOnlyList<PodState> LivePodsOf(string deployment) =>
        PodsOf(deployment).Where(p => p.Phase != PodPhase.Terminating).ToList();

    public Task Apply(params WorkloadSpec[] workloads) => Supervisor.ApplyWorkloads(workloads);

    public async ValueTask DisposeAsync()
    {
        await Supervisor.DisposeAsync();
        Home.Dispose();
    }
}
