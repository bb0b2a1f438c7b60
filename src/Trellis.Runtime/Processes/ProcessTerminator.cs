using System.ComponentModel;
using System.Diagnostics;

namespace Trellis.Runtime;

/// <summary>Stops a child like the kubelet stops a container: SIGTERM, a grace period, then SIGKILL for
/// everything the child left behind.</summary>
internal static class ProcessTerminator
{
    public static async Task TerminateAsync(Process process, bool ownGroup, TimeSpan grace)
    {
        int pid;
        try
        {
            pid = process.Id;
        }
        catch (InvalidOperationException)
        {
            return;
        }
        // The group reaches children a shell script started, which a signal to the pid alone would miss.
        Signals.Send(ownGroup ? -pid : pid, Signals.SigTerm);
        using (var timeout = new CancellationTokenSource(grace))
        {
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
        KillRemains(process, pid, ownGroup);
        await process.WaitForExitAsync();
    }

    /// <summary>Kills the process tree, and the process group, whose members may have been re-parented away
    /// from the tree when their parent exited.</summary>
    public static void KillRemains(Process process, int pid, bool ownGroup)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // Already gone.
        }
        if (ownGroup) Signals.Send(-pid, Signals.SigKill);
    }
}
