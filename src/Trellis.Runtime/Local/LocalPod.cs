namespace Trellis.Runtime;

/// <summary>One pod: its sidecar is started and must answer ready before its app starts; both are kept running
/// with back-off; the app's readiness probe and the sidecar's /ready decide <see cref="PodState.Ready"/>.</summary>
internal sealed partial class LocalPod
{
    private readonly object _gate = new();
    private readonly PodRuntime _runtime;
    private readonly CancellationTokenSource _lifetime = new();
    private PodState _state;
    private Task _run = Task.CompletedTask;
    private AppLaunch? _launch;
    private SupervisedProcess? _sidecar;
    private SupervisedProcess? _app;

    // The facts the published state is computed from (see Publish), all guarded by _gate.
    private bool _terminating;
    private string? _failure;
    private string? _appWaiting;
    private string? _sidecarWaiting;
    private string? _probeFailure;
    private bool _sidecarReady;
    private bool _appReady;
    private int? _appPid;
    private int? _sidecarPid;
    private DateTimeOffset _appStartedAt;
    private int _appGeneration;

    public LocalPod(WorkloadSpec spec, PodState initial, PodRuntime runtime)
    {
        Spec = spec;
        _state = initial;
        _runtime = runtime;
    }

    public WorkloadSpec Spec { get; }

    public PodState State
    {
        get
        {
            lock (_gate) return _state;
        }
    }

    public string TemplateHash => State.TemplateHash;

    public bool IsTerminating
    {
        get
        {
            lock (_gate) return _terminating;
        }
    }

    /// <summary>Checks the template (one container, an existing command) before starting anything; a pod that
    /// cannot run becomes Failed with the reason, and nothing is started for it.</summary>
    public void Start()
    {
        var error = Spec.Containers.Count switch
        {
            0 => "the pod template has no containers",
            1 => null,
            _ => $"local mode runs one container per pod; the template has {Spec.Containers.Count} ({string.Join(", ", Spec.Containers.Select(c => c.Name))})",
        };
        if (error is null)
            _launch = AppLaunch.Build(Spec.Containers[0], State, LeftoverProcesses.Marker(_runtime.Home, State.Namespace, State.Name), out error);
        if (error is not null)
        {
            Change(() => _failure = error);
            Report(error);
            return;
        }
        _run = Task.Run(() => RunAsync(_lifetime.Token));
    }

    /// <summary>Out of the endpoints at once (not ready, Terminating); the processes keep running until stopped.</summary>
    public void BeginTermination() => Change(() => _terminating = true);

    /// <summary>Stops the app (SIGTERM, grace, kill), after the pod's own tasks have ended.</summary>
    public async Task StopAppAsync(TimeSpan grace)
    {
        BeginTermination();
        await _lifetime.CancelAsync();
        await _run;
        SupervisedProcess? app;
        lock (_gate) app = _app;
        if (app is not null)
        {
            await app.StopAsync(grace);
            await app.DisposeAsync();
        }
        Change(() => _appPid = null);
    }

    /// <summary>Stops the sidecar; call after <see cref="StopAppAsync"/> so the app never runs without it.</summary>
    public async Task StopSidecarAsync(TimeSpan grace)
    {
        SupervisedProcess? sidecar;
        lock (_gate) sidecar = _sidecar;
        if (sidecar is not null)
        {
            await sidecar.StopAsync(grace);
            await sidecar.DisposeAsync();
        }
        Change(() =>
        {
            _sidecarPid = null;
            _sidecarReady = false;
        });
    }

    private async Task RunAsync(CancellationToken ct)
    {
        try
        {
            // Before the sidecar starts, so it finds its token; a new pod never reuses an old pod's.
            PodSecrets.CreateAdminToken(_runtime.Home, State.Namespace, State.Name);
            await StartSidecarAsync(ct);
            StartApp();
            await WatchReadinessAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // A throwing readiness check must not leave a half-managed pod whose stop then throws too: the pod
            // turns Failed with the reason, its processes stay supervised, and stopping it still works.
            var reason = $"pod supervision failed: {e.Message}";
            Change(() => _failure = reason);
            Report(reason);
        }
    }

    private async Task StartSidecarAsync(CancellationToken ct)
    {
        var options = _runtime.Options;
        var delay = options.BackOff.Initial;
        while (true)
        {
            var sidecar = NewSidecar();
            lock (_gate) _sidecar = sidecar;
            Change(() => _failure = null);
            sidecar.Start();
            if (await WaitForSidecarAsync(options.SidecarReadyTimeout, ct))
            {
                Change(() => _sidecarReady = true);
                Report($"sidecar ready (admin port {State.AdminPort})");
                return;
            }
            var reason = $"sidecar not ready after {options.SidecarReadyTimeout.TotalSeconds:0.#}s (see {sidecar.LogPath}); retrying in {delay.TotalSeconds:0.#}s";
            Change(() => _failure = reason);
            Report(reason);
            await sidecar.StopAsync(options.GracePeriod);
            await sidecar.DisposeAsync();
            await Task.Delay(delay, ct);
            delay = options.BackOff.Next(delay);
        }
    }

    private async Task<bool> WaitForSidecarAsync(TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (await _runtime.Options.SidecarReady(State, ct)) return true;
            await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
        }
        return false;
    }

    private SupervisedProcess NewSidecar()
    {
        var state = State;
        var sidecar = new SupervisedProcess(LocalSupervisor.SidecarContainerName, SidecarStartInfo,
            _runtime.Home.PodLogPath(state.Namespace, state.Name, LocalSupervisor.SidecarContainerName), _runtime.Options.BackOff);
        sidecar.Started += pid => Change(() =>
        {
            _sidecarPid = pid;
            _sidecarWaiting = null;
        });
        sidecar.Exited += exit =>
        {
            var reason = $"sidecar {exit.Describe()}; restarting in {exit.RestartIn.TotalSeconds:0.#}s";
            Change(() =>
            {
                _sidecarPid = null;
                _sidecarReady = false;
                _sidecarWaiting = reason;
            });
            Report(reason);
        };
        return sidecar;
    }

    private System.Diagnostics.ProcessStartInfo SidecarStartInfo()
    {
        var state = State;
        var start = _runtime.SidecarLauncher(state);
        // The sidecar is the pod's way out: a proxy inherited from the user's shell must not capture it too.
        foreach (var name in OutboundCapture.VariableNames) start.Environment.Remove(name);
        start.Environment[LeftoverProcesses.MarkerVariable] = LeftoverProcesses.Marker(_runtime.Home, state.Namespace, state.Name);
        return start;
    }

    private void StartApp()
    {
        var launch = _launch!;
        var state = State;
        var app = new SupervisedProcess(state.AppContainer, launch.ToStartInfo,
            _runtime.Home.PodLogPath(state.Namespace, state.Name, state.AppContainer), _runtime.Options.BackOff);
        app.Started += pid =>
        {
            Change(() =>
            {
                _appPid = pid;
                _appWaiting = null;
                _appReady = false;
                _probeFailure = null;
                _appStartedAt = DateTimeOffset.UtcNow;
                _appGeneration++;
            });
            Report(app.Restarts == 0 ? $"app started (pid {pid})" : $"app restarted (pid {pid}, restart {app.Restarts})");
        };
        app.Exited += exit =>
        {
            var reason = $"app {exit.Describe()}; back-off restarting in {exit.RestartIn.TotalSeconds:0.#}s";
            Change(() =>
            {
                _appPid = null;
                _appReady = false;
                _appWaiting = reason;
            });
            Report(reason);
        };
        lock (_gate) _app = app;
        app.Start();
    }

    private void Report(string message) => _runtime.Report(new PodEvent(State.Namespace, State.Name, message));
}
