using System.Runtime.InteropServices;

namespace Trellis.Cli.Home;

/// <summary>POSIX signals to other processes (SIGTERM asks the supervisor to shut down cleanly).</summary>
internal static partial class Signals
{
    private const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    public static bool Terminate(int pid) => Kill(pid, SigTerm) == 0;
}
