namespace Trellis.Runtime;

/// <summary>How a pod's facts become its published state, and the readiness loop that keeps them current.</summary>
internal sealed partial class LocalPod
{
    private static readonly TimeSpan FastPeriod = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan IdleTick = TimeSpan.FromMilliseconds(200);

    /// <summary>Probes the sidecar every second and the app on its probe's schedule. Until the app is first ready
    /// the probe runs every min(periodSeconds, 1 s), so that a pod is ready soon after its app is instead of a
    /// whole Kubernetes default period (10 s) later; once ready it keeps the manifest's period.</summary>
    private async Task WatchReadinessAsync(CancellationToken ct)
    {
        var probe = Spec.Containers[0].ReadinessProbe;
        var prober = probe is null ? null : new ReadinessProber(probe, State.AppPort, _launch!);
        var counter = new ReadinessCounter(probe?.SuccessThreshold ?? 1, probe?.FailureThreshold ?? 3);
        var period = TimeSpan.FromSeconds(Math.Max(1, probe?.PeriodSeconds ?? 10));
        var seenGeneration = -1;
        var nextProbe = DateTimeOffset.MinValue;
        while (!ct.IsCancellationRequested)
        {
            var sidecarReady = await _runtime.Options.SidecarReady(State, ct);
            Change(() => _sidecarReady = sidecarReady && _sidecarPid is not null);

            int? pid;
            int generation;
            DateTimeOffset startedAt;
            lock (_gate) (pid, generation, startedAt) = (_appPid, _appGeneration, _appStartedAt);
            if (pid is null)
            {
                await Task.Delay(IdleTick, ct);
                continue;
            }
            if (generation != seenGeneration)
            {
                seenGeneration = generation;
                counter.Reset();
                nextProbe = startedAt + TimeSpan.FromSeconds(Math.Max(0, probe?.InitialDelaySeconds ?? 0));
            }
            if (DateTimeOffset.UtcNow >= nextProbe)
            {
                var (success, failure) = prober is null ? (true, null) : await prober.ProbeAsync(ct);
                var ready = counter.Record(success);
                Change(() =>
                {
                    if (_appGeneration != generation) return; // the app restarted while it was probed
                    _appReady = ready;
                    _probeFailure = failure;
                });
                nextProbe = DateTimeOffset.UtcNow + (ready ? period : Min(period, FastPeriod));
            }
            var wait = nextProbe - DateTimeOffset.UtcNow;
            await Task.Delay(wait < TimeSpan.Zero ? TimeSpan.Zero : Min(wait, FastPeriod), ct);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>Applies a change to the facts and publishes the resulting state if it differs.</summary>
    private void Change(Action mutate)
    {
        PodState before, after;
        lock (_gate)
        {
            before = _state;
            mutate();
            after = Compute(before);
            if (after == before) return;
            _state = after;
        }
        if (before.Ready != after.Ready && after.Phase != PodPhase.Terminating)
            Report(after.Ready ? "ready" : after.Reason is null ? "not ready" : $"not ready: {after.Reason}");
        _runtime.StateChanged();
    }

    private PodState Compute(PodState current)
    {
        var phase = _terminating ? PodPhase.Terminating
            : _failure is not null ? PodPhase.Failed
            : (_appWaiting ?? _sidecarWaiting) is not null ? PodPhase.CrashLoopBackOff
            : _appPid is not null ? PodPhase.Running
            : PodPhase.Pending;
        var ready = !_terminating && _failure is null && _appPid is not null && _appReady && _sidecarReady;
        var reason = _failure ?? _appWaiting ?? _sidecarWaiting
            ?? (_appPid is null && !_terminating ? "waiting for the sidecar to be ready" : null)
            ?? (!ready && !_terminating && !_sidecarReady ? "sidecar not ready" : null)
            ?? (!ready && !_terminating && _probeFailure is not null ? $"readiness probe failed: {_probeFailure}" : null);
        return current with
        {
            Phase = phase,
            Ready = ready,
            SidecarReady = _sidecarReady,
            Restarts = (_app?.Restarts ?? 0) + (_sidecar?.Restarts ?? 0),
            Reason = reason,
            AppPid = _appPid,
            SidecarPid = _sidecarPid,
        };
    }
}
