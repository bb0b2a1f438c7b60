using System.Diagnostics;

namespace Trellis.Runtime;

/// <summary>`trellis down` against a live mesh: asks its supervisor to stop as Ctrl-C would (SIGTERM), and waits
/// until the kernel says it let go of the home and the supervisor itself has exited.</summary>
public static class SupervisorStop
{
    /// <summary>True once the supervisor is gone; false when it still holds the home, or still runs, after <paramref name="timeout"/>.</summary>
    public static async Task<bool> RequestAsync(MeshHome home, int supervisor, TimeSpan timeout, CancellationToken ct)
    {
        Signals.Send(supervisor, Signals.SigTerm);
        var deadline = Stopwatch.StartNew();
        // The lock is let go while the supervisor is still unwinding; a caller that starts the next mesh right away
        // must not race the last of the old one, so down returns only when the process is gone too.
        while ((SupervisorLock.LiveSupervisor(home) is not null || IsRunning(supervisor)) && deadline.Elapsed < timeout)
            await Task.Delay(50, ct);
        return SupervisorLock.LiveSupervisor(home) is null && !IsRunning(supervisor);
    }

    /// <summary>A zombie has exited; only its parent has yet to collect it.</summary>
    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat.AsSpan(stat.LastIndexOf(')') + 2);
            return state.Length > 0 && state[0] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }
}
