using System.Diagnostics;

namespace Trellis.Runtime;

/// <summary>One pod as processes: its sidecar first, the app once the sidecar is ready, then readiness
/// tracking and crash restarts until it is stopped (app first, then sidecar).</summary>
internal sealed class LocalPod
{
    private static readonly TimeSpan SidecarStartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    private readonly string _home;
    private readonly Func<PodState, ProcessStartInfo> _sidecarLauncher;
    private readonly Action<LocalPod, PodState, PodState> _changed;
    private readonly Action<PodEvent> _emit;
    private readonly object _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private PodState _state;
    private SupervisedProcess? _sidecar;
    private SupervisedProcess? _app;
    private Task _run = Task.CompletedTask;
    private Task? _appStop;
    private Task? _sidecarStop;
    private bool _stopping;
    private int _appGeneration;
    private DateTime _appStartedAt;

    public LocalPod(WorkloadSpec spec, string name, PodPorts ports, string home,
        Func<PodState, ProcessStartInfo> sidecarLauncher, Action<LocalPod, PodState, PodState> changed, Action<PodEvent> emit)
    {
        Spec = spec;
        _home = home;
        _sidecarLauncher = sidecarLauncher;
        _changed = changed;
        _emit = emit;
        var app = spec.Containers.Count > 0 ? spec.Containers[0] : null;
        _state = new PodState(name, spec.Namespace, spec.DeploymentName, spec.PodLabels, spec.ServiceAccount, "127.0.0.1",
            ports.App, ports.Inbound, ports.Outbound, ports.Admin,
            app?.ContainerPorts.Count > 0 ? app.ContainerPorts[0] : null, app?.Name ?? "",
            PodPhase.Pending, Ready: false, SidecarReady: false, Restarts: 0, Reason: null, AppPid: null, SidecarPid: null,
            DateTimeOffset.UtcNow, spec.TemplateHash);
    }

    public WorkloadSpec Spec { get; }

    public PodState State
    {
        get
        {
            lock (_gate) return _state;
        }
    }

    public bool IsStopping
    {
        get
        {
            lock (_gate) return _stopping;
        }
    }

    public void Start()
    {
        Emit($"created (app port {State.AppPort}, sidecar admin port {State.AdminPort})");
        _run = Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>Marks the pod Terminating and stops its start-up and monitoring; true the first time.</summary>
    public bool BeginStop()
    {
        lock (_gate)
        {
            if (_stopping) return false;
            _stopping = true;
        }
        Update(s => s with { Phase = PodPhase.Terminating, Ready = false });
        _stop.Cancel();
        Emit("terminating");
        return true;
    }

    public Task StopAppAsync()
    {
        BeginStop();
        lock (_gate) return _appStop ??= Task.Run(StopAppCoreAsync);
    }

    public Task StopSidecarAsync()
    {
        lock (_gate) return _sidecarStop ??= Task.Run(StopSidecarCoreAsync);
    }

    public async Task StopAsync()
    {
        await StopAppAsync();
        await StopSidecarAsync();
    }

    private async Task StopAppCoreAsync()
    {
        await _run;
        if (_app is not null) await _app.DisposeAsync();
        Update(s => s with { AppPid = null });
    }

    private async Task StopSidecarCoreAsync()
    {
        await StopAppAsync();
        if (_sidecar is not null) await _sidecar.DisposeAsync();
        Update(s => s with { SidecarPid = null, SidecarReady = false });
    }

    private async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await StartSidecarAsync(ct);
            if (Spec.Containers.Count == 0)
            {
                Fail("the pod template has no containers");
                return;
            }
            var container = Spec.Containers[0];
            if (AppLaunch.Create(container, State, out var error) is not { } launch)
            {
                Fail(error);
                return;
            }
            StartApp(container, launch);
            await MonitorAsync(container, launch, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping: StopAppAsync and StopSidecarAsync take it from here.
        }
    }

    private async Task StartSidecarAsync(CancellationToken ct)
    {
        var backoff = TimeSpan.FromSeconds(1);
        while (true)
        {
            var sidecar = new SupervisedProcess($"{Spec.Namespace}/{State.Name}/{LocalSupervisor.SidecarContainerName}",
                () => _sidecarLauncher(State), PodLogs.PathFor(_home, Spec.Namespace, State.Name, LocalSupervisor.SidecarContainerName));
            sidecar.Exited += (code, delay) =>
            {
                if (IsStopping) return;
                Update(s => s with { SidecarReady = false, Ready = false, SidecarPid = null });
                Emit($"sidecar exited with code {code}; restarting in {delay.TotalSeconds:0}s");
            };
            sidecar.Restarted += pid =>
            {
                if (!IsStopping) Update(s => s with { SidecarPid = pid });
            };
            _sidecar = sidecar;
            sidecar.Start();
            Update(s => s with { SidecarPid = sidecar.Pid });
            Emit($"sidecar started (pid {sidecar.Pid})");

            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < SidecarStartTimeout)
            {
                if (await HealthChecks.SidecarReadyAsync(State.AdminPort, ct))
                {
                    Update(s => s with { SidecarReady = true, Reason = null, Phase = PodPhase.Pending });
                    Emit("sidecar ready");
                    return;
                }
                await Task.Delay(Tick, ct);
            }
            var reason = $"sidecar not ready after {SidecarStartTimeout.TotalSeconds:0}s";
            Update(s => s with { Phase = PodPhase.Failed, Reason = reason });
            Emit($"{reason}; retrying in {backoff.TotalSeconds:0}s");
            _sidecar = null;
            await sidecar.DisposeAsync();
            await Task.Delay(backoff, ct);
            backoff = backoff * 2 > TimeSpan.FromSeconds(30) ? TimeSpan.FromSeconds(30) : backoff * 2;
        }
    }

    private void StartApp(ContainerSpec container, AppLaunch launch)
    {
        var app = new SupervisedProcess($"{Spec.Namespace}/{State.Name}/{container.Name}", launch.StartInfo,
            PodLogs.PathFor(_home, Spec.Namespace, State.Name, container.Name));
        app.Exited += (code, delay) =>
        {
            if (IsStopping) return;
            Interlocked.Increment(ref _appGeneration);
            var reason = code < 0 ? "could not start" : $"exit code {code}";
            Update(s => s with { Phase = PodPhase.CrashLoopBackOff, Ready = false, AppPid = null, Reason = reason });
            Emit($"{container.Name} exited ({reason}); restarting in {delay.TotalSeconds:0}s");
        };
        app.Restarted += pid =>
        {
            if (IsStopping) return;
            _appStartedAt = DateTime.UtcNow;
            Interlocked.Increment(ref _appGeneration);
            var restarts = Update(s => s with { Phase = PodPhase.Running, AppPid = pid, Reason = null, Restarts = s.Restarts + 1 }).Restarts;
            Emit($"{container.Name} restarted (pid {pid}, restart {restarts})");
        };
        _appStartedAt = DateTime.UtcNow;
        _app = app;
        app.Start();
        if (app.Pid is { } pid)
        {
            Update(s => s.Phase == PodPhase.Pending ? s with { Phase = PodPhase.Running, AppPid = pid } : s);
            Emit($"{container.Name} started (pid {pid})");
        }
    }

    private async Task MonitorAsync(ContainerSpec container, AppLaunch launch, CancellationToken ct)
    {
        var probe = container.ReadinessProbe;
        var period = TimeSpan.FromSeconds(Math.Clamp(probe?.PeriodSeconds ?? 1, 0.1, 1));
        var generation = -1;
        int successes = 0, failures = 0;
        var appReady = false;
        var nextProbe = DateTime.MinValue;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (!State.SidecarReady && await HealthChecks.SidecarReadyAsync(State.AdminPort, ct))
            {
                Update(s => s with { SidecarReady = true });
                Emit("sidecar ready");
            }
            var current = Volatile.Read(ref _appGeneration);
            if (current != generation)
            {
                generation = current;
                successes = failures = 0;
                appReady = false;
                nextProbe = _appStartedAt + TimeSpan.FromSeconds(Math.Max(0, probe?.InitialDelaySeconds ?? 0));
            }
            var state = State;
            if (state.Phase != PodPhase.Running || state.AppPid is null) appReady = false;
            else if (probe is null) appReady = true;
            else if (DateTime.UtcNow >= nextProbe)
            {
                nextProbe = DateTime.UtcNow + period;
                if (await HealthChecks.ProbeAsync(probe, container, state.AppPort, launch.Environment, ct))
                {
                    failures = 0;
                    if (++successes >= Math.Max(1, probe.SuccessThreshold)) appReady = true;
                }
                else
                {
                    successes = 0;
                    if (++failures >= Math.Max(1, probe.FailureThreshold)) appReady = false;
                }
            }
            SetReady(appReady, generation);
            await Task.Delay(Tick, ct);
        }
    }

    private void SetReady(bool appReady, int generation)
    {
        var before = State.Ready;
        var after = Update(s =>
        {
            // A probe result from a previous incarnation of the app must not mark the new one ready.
            var ready = appReady && generation == Volatile.Read(ref _appGeneration)
                && s.SidecarReady && s.Phase == PodPhase.Running && s.AppPid is not null;
            return s.Ready == ready ? s : s with { Ready = ready };
        }).Ready;
        if (after != before) Emit(after ? "ready" : "not ready");
    }

    private void Fail(string reason)
    {
        Update(s => s with { Phase = PodPhase.Failed, Reason = reason, Ready = false });
        Emit(reason);
    }

    private PodState Update(Func<PodState, PodState> change)
    {
        PodState before, after;
        lock (_gate)
        {
            before = _state;
            after = change(before);
            // Once stopping, only the stop itself may change what the pod reports.
            if (_stopping && before.Phase == PodPhase.Terminating && after.Phase != PodPhase.Terminating)
                after = after with { Phase = PodPhase.Terminating };
            _state = after;
        }
        if (!ReferenceEquals(before, after) && before != after) _changed(this, before, after);
        return after;
    }

    private void Emit(string message) => _emit(new PodEvent(Spec.Namespace, State.Name, message));
}
