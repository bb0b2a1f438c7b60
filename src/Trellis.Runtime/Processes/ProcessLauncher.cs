using System.Diagnostics;

namespace Trellis.Runtime;

/// <summary>Starts children in their own session (via util-linux <c>setsid</c>, which execs in place and keeps
/// the pid), so a terminal's Ctrl-C reaches only the supervisor, which then stops them in order, and so a
/// stop can signal the child's whole process group.</summary>
internal static class ProcessLauncher
{
    private static readonly string? SetSid = OperatingSystem.IsWindows() ? null
        : new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists);

    /// <summary>Starts the process; <paramref name="ownGroup"/> tells whether its pid is also its process group id.</summary>
    public static Process Start(ProcessStartInfo start, out bool ownGroup)
    {
        ownGroup = false;
        var directory = string.IsNullOrEmpty(start.WorkingDirectory) ? Environment.CurrentDirectory : start.WorkingDirectory;
        if (SetSid is not null && string.IsNullOrEmpty(start.Arguments) && !start.UseShellExecute
            && CommandResolver.Resolve(start.FileName, directory) is { } executable)
        {
            start.ArgumentList.Insert(0, executable);
            start.FileName = SetSid;
            ownGroup = true;
        }
        return Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
    }
}
