using System.Diagnostics;

namespace Trellis.Runtime;

/// <summary>`trellis down` against a live mesh: asks its supervisor to stop as Ctrl-C would (SIGTERM), and waits
/// until the kernel says it let go of the home.</summary>
public static class SupervisorStop
{
    /// <summary>True once the supervisor is gone; false when it still holds the home after <paramref name="timeout"/>.</summary>
    public static async Task<bool> RequestAsync(MeshHome home, int supervisor, TimeSpan timeout, CancellationToken ct)
    {
        Signals.Send(supervisor, Signals.SigTerm);
        var deadline = Stopwatch.StartNew();
        while (SupervisorLock.LiveSupervisor(home) is not null && deadline.Elapsed < timeout)
            await Task.Delay(100, ct);
        return SupervisorLock.LiveSupervisor(home) is null;
    }
}
