using System.Collections.Concurrent;
using System.Diagnostics;

namespace Trellis.Runtime;

/// <summary>Starts children in their own session (via util-linux <c>setsid</c>, which execs in place and keeps
/// the pid), so a terminal's Ctrl-C reaches only the supervisor, which then stops them in order, and so a
/// stop can signal the child's whole process group. Through util-linux <c>setpriv --pdeathsig KILL</c> the
/// kernel kills every child when the supervisor dies, even by SIGKILL, so none outlives it holding ports.</summary>
internal static class ProcessLauncher
{
    private static readonly string? SetSid = Find("setsid");
    private static readonly string? SetPriv = Find("setpriv");

    /// <summary>The parent-death signal follows the thread that forked the child, not the process: a child
    /// started from a pool thread would be killed when that thread retires. Every child is started from
    /// this one thread, which lives as long as the process.</summary>
    private static readonly BlockingCollection<(ProcessStartInfo Start, TaskCompletionSource<Process> Started)> Requests = StartForkThread();

    /// <summary>Starts the process; <paramref name="ownGroup"/> tells whether its pid is also its process group id.</summary>
    public static Process Start(ProcessStartInfo start, out bool ownGroup)
    {
        ownGroup = false;
        var directory = string.IsNullOrEmpty(start.WorkingDirectory) ? Environment.CurrentDirectory : start.WorkingDirectory;
        if (SetSid is null || !string.IsNullOrEmpty(start.Arguments) || start.UseShellExecute
            || CommandResolver.Resolve(start.FileName, directory) is not { } executable)
            return Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");

        start.ArgumentList.Insert(0, executable);
        start.FileName = SetSid;
        ownGroup = true;
        if (SetPriv is null) return Process.Start(start) ?? throw new InvalidOperationException($"could not start {executable}");
        start.ArgumentList.Insert(0, SetSid);
        start.ArgumentList.Insert(0, "--");
        start.ArgumentList.Insert(0, "KILL");
        start.ArgumentList.Insert(0, "--pdeathsig");
        start.FileName = SetPriv;
        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        Requests.Add((start, started));
        return started.Task.GetAwaiter().GetResult();
    }

    private static BlockingCollection<(ProcessStartInfo, TaskCompletionSource<Process>)> StartForkThread()
    {
        var requests = new BlockingCollection<(ProcessStartInfo Start, TaskCompletionSource<Process> Started)>();
        var thread = new Thread(() =>
        {
            foreach (var (start, started) in requests.GetConsumingEnumerable())
            {
                try
                {
                    started.SetResult(Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}"));
                }
                catch (Exception e)
                {
                    started.SetException(e);
                }
            }
        })
        { IsBackground = true, Name = "trellis child launcher" };
        thread.Start();
        return requests;
    }

    private static string? Find(string tool) => OperatingSystem.IsWindows() ? null
        : new[] { $"/usr/bin/{tool}", $"/bin/{tool}" }.FirstOrDefault(File.Exists);
}
