namespace Trellis.Runtime;

/// <summary>Kubernetes-style restart back-off: the delay doubles after each exit up to <see cref="Max"/>
/// and starts again from <see cref="Initial"/> once a process has run for <see cref="ResetAfter"/>.</summary>
public sealed record RestartBackOff(TimeSpan Initial, TimeSpan Max, TimeSpan ResetAfter)
{
    /// <summary>Local mode's policy: 1 s doubling to 30 s, reset after 60 s of running (Kubernetes: 10 s to 5 min,
    /// too slow for a developer's machine).</summary>
    public static RestartBackOff Local { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60));

    /// <summary>The delay after <paramref name="current"/>.</summary>
    public TimeSpan Next(TimeSpan current) => current * 2 > Max ? Max : current * 2;
}
