using System.Runtime.InteropServices;

namespace Trellis.Runtime;

/// <summary>POSIX signals for graceful stops, which <see cref="System.Diagnostics.Process"/> cannot send.</summary>
public static partial class Signals
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    /// <summary>Sends a signal to a process, or to a process group when <paramref name="pid"/> is negative; false if none received it.</summary>
    public static bool Send(int pid, int signal) => !OperatingSystem.IsWindows() && kill(pid, signal) == 0;

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe blocks for no gain on this one call.
    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
#pragma warning restore SYSLIB1054
}
