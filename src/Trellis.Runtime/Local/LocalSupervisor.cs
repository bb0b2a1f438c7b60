using System.Diagnostics;
using System.Security.Cryptography;

namespace Trellis.Runtime;

/// <summary>Runs the pods of Deployments as local processes (each an app plus its sidecar) and converges
/// them on the workloads last applied.</summary>
public sealed class LocalSupervisor : IAsyncDisposable
{
    /// <summary>The sidecar's container name, as in Istio (`trellis logs POD -c istio-proxy`).</summary>
    public const string SidecarContainerName = "istio-proxy";

    private const string NameAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    private readonly string _home;
    private readonly Func<PodState, ProcessStartInfo> _sidecarLauncher;
    private readonly PortAllocator _ports = new();
    private readonly PodStateWriter _writer;
    private readonly object _gate = new();
    private readonly List<LocalPod> _pods = [];
    private readonly List<Task> _stops = [];
    private Dictionary<(string Namespace, string Name), WorkloadSpec> _desired = [];
    private bool _disposed;

    /// <summary>Creates a supervisor writing state under <paramref name="home"/>; <paramref name="sidecarLauncher"/> says how to start a pod's sidecar.</summary>
    public LocalSupervisor(string home, Func<PodState, ProcessStartInfo> sidecarLauncher)
    {
        _home = home;
        _sidecarLauncher = sidecarLauncher;
        _writer = new PodStateWriter(home, () => Pods);
    }

    /// <summary>Raised for every notable pod change (created, sidecar ready, app started, crashed, ready, deleted, ...).</summary>
    public event Action<PodEvent>? PodEvent;

    /// <summary>A snapshot of every pod, including those still terminating.</summary>
    public IReadOnlyList<PodState> Pods
    {
        get
        {
            lock (_gate) return _pods.Select(p => p.State).ToList();
        }
    }

    /// <summary>Makes these the desired workloads: creates, scales, replaces (new pods first) and deletes pods
    /// accordingly; returns once the changes are started, without waiting for readiness.</summary>
    public Task ApplyWorkloads(IReadOnlyList<WorkloadSpec> workloads)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _desired = workloads.GroupBy(w => (w.Namespace, w.DeploymentName)).ToDictionary(g => g.Key, g => g.Last());
            Reconcile();
        }
        return Task.CompletedTask;
    }

    /// <summary>Called with <see cref="_gate"/> held. Rolling replacement: an old pod goes only when a new one is ready to take its place.</summary>
    private void Reconcile()
    {
        if (_disposed) return;
        var alive = _pods.Where(p => !p.IsStopping).ToList();
        var keys = alive.Select(p => (p.Spec.Namespace, p.Spec.DeploymentName)).Concat(_desired.Keys).Distinct().ToList();
        foreach (var key in keys)
        {
            var pods = alive.Where(p => (p.Spec.Namespace, p.Spec.DeploymentName) == key).ToList();
            if (!_desired.TryGetValue(key, out var spec))
            {
                pods.ForEach(Stop);
                continue;
            }
            var replicas = Math.Max(0, spec.Replicas);
            var current = pods.Where(p => p.Spec.TemplateHash == spec.TemplateHash).ToList();
            var old = pods.Except(current).ToList();
            while (current.Count < replicas) current.Add(Create(spec));
            foreach (var extra in LeastUseful(current).Take(current.Count - replicas).ToList())
            {
                current.Remove(extra);
                Stop(extra);
            }
            var keepOld = Math.Max(0, replicas - current.Count(p => p.State.Ready));
            LeastUseful(old).Take(Math.Max(0, old.Count - keepOld)).ToList().ForEach(Stop);
        }
    }

    /// <summary>Not-ready pods first, then the youngest: the ones to give up first, as a ReplicaSet would.</summary>
    private static IEnumerable<LocalPod> LeastUseful(IEnumerable<LocalPod> pods) =>
        pods.OrderBy(p => p.State.Ready).ThenByDescending(p => p.State.StartedAt);

    private LocalPod Create(WorkloadSpec spec)
    {
        string name;
        do name = $"{spec.DeploymentName}-{spec.TemplateHash}-{RandomNumberGenerator.GetString(NameAlphabet, 5)}";
        while (_pods.Any(p => p.State.Name == name && p.Spec.Namespace == spec.Namespace));
        var pod = new LocalPod(spec, name, PodPorts.Allocate(_ports), _home, _sidecarLauncher, OnPodChanged, Emit);
        _pods.Add(pod);
        pod.Start();
        _writer.MarkDirty();
        return pod;
    }

    private void Stop(LocalPod pod)
    {
        if (!pod.BeginStop()) return;
        _stops.RemoveAll(t => t.IsCompleted);
        _stops.Add(Task.Run(async () =>
        {
            await pod.StopAsync();
            lock (_gate) _pods.Remove(pod);
            _writer.MarkDirty();
            Emit(new PodEvent(pod.Spec.Namespace, pod.State.Name, "deleted"));
        }));
    }

    private void OnPodChanged(LocalPod pod, PodState before, PodState after)
    {
        _writer.MarkDirty();
        // A pod becoming ready may let an old pod of a rollout go; reconcile off this thread to avoid re-entrancy.
        if (after.Ready && !before.Ready)
            _ = Task.Run(() =>
            {
                lock (_gate) Reconcile();
            });
    }

    private void Emit(PodEvent e)
    {
        try
        {
            PodEvent?.Invoke(e);
        }
        catch (Exception)
        {
            // A failing listener (e.g. a closed console) must not take the pods down with it.
        }
    }

    /// <summary>Stops every pod, all apps first and then all sidecars, in parallel; leaves pods.json empty.</summary>
    public async ValueTask DisposeAsync()
    {
        List<LocalPod> pods;
        Task[] stops;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            pods = [.. _pods];
            stops = [.. _stops];
        }
        foreach (var pod in pods) pod.BeginStop();
        await Task.WhenAll(pods.Select(p => p.StopAppAsync()));
        await Task.WhenAll(pods.Select(p => p.StopSidecarAsync()));
        await Task.WhenAll(stops);
        lock (_gate) _pods.Clear();
        await _writer.CloseAsync([]);
    }
}
