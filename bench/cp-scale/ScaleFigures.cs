namespace Trellis.Bench.CpScale;

/// <summary>Everything one run measured. Times are wall-clock; CPU is the control plane's user + system time.</summary>
internal sealed record ScaleFigures(
    MeshManifests Mesh,
    int Proxies,
    int ObjectsApplied,
    TimeSpan LoadTime,
    PhaseFigures Storm,
    int Synced,
    ChangeFigures? Change,
    long IdleRssBytes,
    long RssAfterStormBytes,
    long RssAfterChangeBytes,
    long PeakRssBytes,
    TimeSpan HarnessCpu,
    int Reconnects,
    IReadOnlyList<string> Failures)
{
    /// <summary>Why the run stopped before it finished (time-out, memory limit); null when it finished.</summary>
    public string? Aborted { get; init; }

    /// <summary>Every proxy ACKed a full config, the change reached at least one, and nothing failed or stopped the run.</summary>
    public bool Completed => Aborted is null && Synced == Proxies && Change is { Affected: > 0 } && Failures.Count == 0;
}

/// <summary>One phase: how long it took, what the control plane spent on it, and what it pushed.</summary>
internal sealed record PhaseFigures(TimeSpan Elapsed, TimeSpan ControlPlaneCpu, PushedSoFar Pushed);

/// <summary>The VirtualService change: how long the apply call took, how many proxies ACKed a new version, and when
/// each had ACKed its last one, counted from the moment the apply was sent.</summary>
internal sealed record ChangeFigures(TimeSpan Apply, int Affected, TimeSpan P50, TimeSpan P99, TimeSpan Max, PhaseFigures Phase);
