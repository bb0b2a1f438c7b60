namespace Trellis.Runtime;

/// <summary>Local mode's kubelet and ReplicaSet controller in one: runs every pod of every Deployment as an app
/// process plus a sidecar process, converges on the Deployments it is given, and publishes the pods in
/// the home's pods file, which the control plane reads as its service registry.</summary>
public sealed class LocalSupervisor : IAsyncDisposable
{
    /// <summary>The sidecar's container name, as Istio injects it.</summary>
    public const string SidecarContainerName = "istio-proxy";

    private static readonly TimeSpan ReconcileInterval = TimeSpan.FromMilliseconds(250);

    private readonly MeshHome _home;
    private readonly PodRuntime _runtime;
    private readonly PortAllocator _ports;
    private readonly SemaphoreSlim _reconcile = new(1, 1);
    private readonly object _podsGate = new();
    private readonly List<LocalPod> _pods = [];
    private readonly List<Task> _stopping = [];
    private readonly object _writeGate = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Task _loop;
    private IReadOnlyList<(WorkloadSpec Spec, string Hash)> _desired = [];
    private bool _stopped;

    /// <summary>Creates the supervisor for the mesh home <paramref name="home"/>; no pod runs until <see cref="ApplyWorkloads"/>.
    /// It takes the home over: pod processes that a dead supervisor left behind (see <see cref="LeftoverProcesses"/>)
    /// are killed before pods.json is rewritten.</summary>
    public LocalSupervisor(MeshHome home, SidecarLauncher sidecar, LocalSupervisorOptions? options = null)
    {
        _home = home;
        options ??= new LocalSupervisorOptions();
        _ports = options.Ports ?? new PortAllocator();
        _runtime = new PodRuntime(_home, sidecar, options, Emit, WriteState);
        LeftoverProcesses.KillRecorded(_home);
        WriteState();
        _loop = Task.Run(ReconcileLoopAsync);
    }

    /// <summary>Progress worth showing the user ("sidecar ready", "app exited with code 1; back-off ...").
    /// Raised on background threads; handlers must be quick.</summary>
    public event Action<PodEvent>? PodEvent;

    /// <summary>The pods as last published, Terminating ones included.</summary>
    public IReadOnlyList<PodState> Pods => Snapshot();

    /// <summary>Converges on <paramref name="workloads"/>: creates the pods of new Deployments, scales, replaces pods
    /// whose template changed (the new pods first; the old ones stop once the new ones are ready, as in a rolling
    /// update with 100% surge), and stops the pods of Deployments no longer listed. Returns once the changes are
    /// started; pods that cannot run are published as Failed with their reason.</summary>
    public async Task ApplyWorkloads(IReadOnlyList<WorkloadSpec> workloads)
    {
        var duplicate = workloads.GroupBy(w => (w.Namespace, w.DeploymentName)).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"Deployment {duplicate.Key.Namespace}/{duplicate.Key.DeploymentName} is listed twice", nameof(workloads));
        await _reconcile.WaitAsync();
        try
        {
            ObjectDisposedException.ThrowIf(_stopped, this);
            // Hashing serializes the template: do it once per apply, not on every reconcile tick.
            _desired = workloads.Select(w => (w, w.TemplateHash)).ToList();
            Reconcile();
        }
        finally
        {
            _reconcile.Release();
        }
    }

    /// <summary>Stops every pod, apps first (SIGTERM, 5 s grace, then the whole process tree is killed), then
    /// sidecars, so no app outlives its proxy; pods.json is left empty.</summary>
    public async Task StopAllAsync()
    {
        await _reconcile.WaitAsync();
        List<LocalPod> pods;
        try
        {
            _stopped = true;
            lock (_podsGate) pods = [.. _pods];
        }
        finally
        {
            _reconcile.Release();
        }
        await _shutdown.CancelAsync();
        await _loop;
        var grace = _runtime.Options.GracePeriod;
        foreach (var pod in pods) pod.BeginTermination();
        await Task.WhenAll(pods.Select(p => p.StopAppAsync(grace)));
        await Task.WhenAll(pods.Select(p => p.StopSidecarAsync(grace)));
        Task[] stopping;
        lock (_podsGate) stopping = [.. _stopping];
        await Task.WhenAll(stopping);
        lock (_podsGate) _pods.Clear();
        WriteState();
    }

    /// <summary>Same as <see cref="StopAllAsync"/>; safe to call more than once.</summary>
    public async ValueTask DisposeAsync() => await StopAllAsync();

    private async Task ReconcileLoopAsync()
    {
        using var timer = new PeriodicTimer(ReconcileInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(_shutdown.Token))
            {
                await _reconcile.WaitAsync(_shutdown.Token);
                try
                {
                    if (!_stopped) Reconcile();
                }
                finally
                {
                    _reconcile.Release();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>One pass of the controller; idempotent, runs under <see cref="_reconcile"/>.</summary>
    private void Reconcile()
    {
        List<LocalPod> live;
        lock (_podsGate) live = _pods.Where(p => !p.IsTerminating).ToList();
        var wanted = _desired.Select(d => (d.Spec.Namespace, d.Spec.DeploymentName)).ToHashSet();
        foreach (var pod in live.Where(p => !wanted.Contains((p.Spec.Namespace, p.Spec.DeploymentName))))
            BeginStop(pod, "its Deployment was deleted");
        foreach (var (workload, hash) in _desired)
        {
            var mine = live.Where(p => p.Spec.Namespace == workload.Namespace && p.Spec.DeploymentName == workload.DeploymentName).ToList();
            var current = mine.Where(p => p.TemplateHash == hash).ToList();
            var replicas = Math.Max(0, workload.Replicas);
            for (var i = current.Count; i < replicas; i++) current.Add(Create(workload, hash));
            // Like a ReplicaSet scaling down: pods that aren't ready go first, then the youngest.
            foreach (var extra in current.OrderBy(p => p.State.Ready).ThenByDescending(p => p.State.StartedAt).Take(current.Count - replicas))
                BeginStop(extra, $"scaled down to {replicas}");
            var old = mine.Where(p => p.TemplateHash != hash).ToList();
            if (old.Count > 0 && current.Count(p => p.State.Ready) >= replicas)
                foreach (var pod in old) BeginStop(pod, "replaced by a pod of the new template");
        }
    }

    private LocalPod Create(WorkloadSpec workload, string hash)
    {
        string name;
        lock (_podsGate) name = PodNames.Create(workload.DeploymentName, hash, _pods.Select(p => p.State.Name).ToHashSet());
        var app = workload.Containers.Count > 0 ? workload.Containers[0] : null;
        var appPort = _ports.Allocate();
        var labels = new Dictionary<string, string>(workload.PodLabels) { ["pod-template-hash"] = hash };
        var declared = app?.ContainerPorts ?? [];
        var state = new PodState(name, workload.Namespace, workload.DeploymentName, labels, workload.ServiceAccount, "127.0.0.1",
            appPort, _ports.Allocate(), _ports.Allocate(), _ports.Allocate(),
            declared.Count > 0 ? declared[0] : null, declared.Select(p => new ContainerPortMapping(p, appPort)).ToList(),
            app?.Name ?? "app", PodPhase.Pending, Ready: false, SidecarReady: false, Restarts: 0, Reason: null,
            AppPid: null, SidecarPid: null, DateTimeOffset.UtcNow, hash, workload.PodAnnotations);
        var pod = new LocalPod(workload, state, _runtime);
        lock (_podsGate) _pods.Add(pod);
        Emit(new PodEvent(state.Namespace, name,
            $"created: app port {state.AppPort}, sidecar inbound {state.InboundPort}, outbound {state.OutboundPort}, admin {state.AdminPort}"));
        pod.Start();
        WriteState();
        return pod;
    }

    private void BeginStop(LocalPod pod, string why)
    {
        pod.BeginTermination();
        Emit(new PodEvent(pod.State.Namespace, pod.State.Name, $"terminating: {why}"));
        var drain = _runtime.Options.DrainDelay;
        var grace = _runtime.Options.GracePeriod;
        var stop = Task.Run(async () =>
        {
            await Task.Delay(drain);
            await pod.StopAppAsync(grace);
            await pod.StopSidecarAsync(grace);
            PodSecrets.Remove(_home, pod.State.Namespace, pod.State.Name);
            lock (_podsGate) _pods.Remove(pod);
            WriteState();
            Emit(new PodEvent(pod.State.Namespace, pod.State.Name, "deleted"));
        });
        lock (_podsGate) _stopping.Add(stop);
        // Keep the list short on long runs; StopAllAsync waits for whatever is still in it.
        _ = stop.ContinueWith(t => { lock (_podsGate) _stopping.Remove(t); }, TaskScheduler.Default);
    }

    private void Emit(PodEvent e)
    {
        try
        {
            PodEvent?.Invoke(e);
        }
        catch (Exception)
        {
            // A failing listener (a closed console) must not take the pods down with it.
        }
    }

    private List<PodState> Snapshot()
    {
        lock (_podsGate)
            return _pods.Select(p => p.State).OrderBy(p => p.Namespace, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>Publishes the pods; the snapshot is taken under the write lock so the last write is the newest state.</summary>
    private void WriteState()
    {
        lock (_writeGate) PodStateStore.Write(_home, Snapshot());
    }
}
