using System.Diagnostics;

namespace Trellis.Runtime;

/// <summary>Keeps one child process running: starts it, copies its output to a log file, restarts it with
/// back-off when it exits, and stops it gracefully (SIGTERM, grace period, then kill the whole tree).</summary>
public sealed class SupervisedProcess : IAsyncDisposable
{
    /// <summary>How long a stop waits after SIGTERM before killing, as Kubernetes' default grace period would, shortened.</summary>
    public static readonly TimeSpan DefaultGracePeriod = TimeSpan.FromSeconds(5);

    private readonly Func<ProcessStartInfo> _startInfo;
    private readonly RestartBackOff _backOff;
    private readonly LogFile _log;
    private readonly object _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private Process? _process;
    private TimeSpan _grace = DefaultGracePeriod;
    private Task? _loop;
    private int _starts;

    /// <summary>Creates the supervisor; nothing runs until <see cref="Start"/>. <paramref name="startInfo"/> is called
    /// for every (re)start, so it can reflect the current state.</summary>
    public SupervisedProcess(string name, Func<ProcessStartInfo> startInfo, string logPath, RestartBackOff? backOff = null)
    {
        Name = name;
        LogPath = logPath;
        _startInfo = startInfo;
        _backOff = backOff ?? RestartBackOff.Local;
        _log = new LogFile(logPath);
    }

    /// <summary>The name used in events and messages.</summary>
    public string Name { get; }

    /// <summary>Where stdout and stderr are appended.</summary>
    public string LogPath { get; }

    /// <summary>The running process's id; null while it is not running.</summary>
    public int? Pid
    {
        get
        {
            lock (_gate) return _process?.Id;
        }
    }

    /// <summary>How many times the process was started again after exiting.</summary>
    public int Restarts => Math.Max(0, Volatile.Read(ref _starts) - 1);

    /// <summary>Raised with the pid after every start, the first included.</summary>
    public event Action<int>? Started;

    /// <summary>Raised with the pid after every restart (not the first start).</summary>
    public event Action<int>? Restarted;

    /// <summary>Raised when the process exits (or fails to start) and a restart is scheduled; not raised by a stop.</summary>
    public event Action<ProcessExit>? Exited;

    /// <summary>Starts the process and its supervision; a second call does nothing.</summary>
    public void Start()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stop.IsCancellationRequested, this);
            _loop ??= Task.Run(SuperviseAsync);
        }
    }

    /// <summary>Stops supervising, then stops the process: SIGTERM to its process group, up to
    /// <paramref name="grace"/> (default 5 s) to exit, then kills its whole tree.</summary>
    public async Task StopAsync(TimeSpan? grace = null)
    {
        Task? loop;
        lock (_gate)
        {
            _grace = grace ?? DefaultGracePeriod;
            loop = _loop;
        }
        // Outside the lock: cancellation runs the loop's continuations, which take it.
        _stop.Cancel();
        if (loop is not null) await loop;
    }

    /// <summary>Stops the process (see <see cref="StopAsync"/>) and closes its log.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _log.Dispose();
    }

    private async Task SuperviseAsync()
    {
        var delay = _backOff.Initial;
        while (true)
        {
            var clock = Stopwatch.StartNew();
            var (exitCode, error) = await RunOnceAsync();
            if (_stop.IsCancellationRequested) return;
            if (clock.Elapsed >= _backOff.ResetAfter) delay = _backOff.Initial;
            Exited?.Invoke(new ProcessExit(Name, exitCode, error, clock.Elapsed, delay));
            try
            {
                await Task.Delay(delay, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            delay = _backOff.Next(delay);
        }
    }

    /// <summary>One run of the process: start, copy output, wait for the exit. A failure to start is an exit too.</summary>
    private async Task<(int? ExitCode, string? Error)> RunOnceAsync()
    {
        Process process;
        bool ownGroup;
        try
        {
            var start = _startInfo();
            start.UseShellExecute = false;
            start.RedirectStandardOutput = true;
            start.RedirectStandardError = true;
            // Containers have no terminal: an inherited stdin would let children read the user's keystrokes.
            start.RedirectStandardInput = true;
            lock (_gate)
            {
                if (_stop.IsCancellationRequested) return (null, "stopped");
                process = ProcessLauncher.Start(start, out ownGroup);
                _process = process;
            }
        }
        catch (Exception e) when (!_stop.IsCancellationRequested)
        {
            // A supervision boundary: whatever stopped the start (missing file, a launcher that threw) is
            // reported through Exited and retried with back-off, like a container that fails to start.
            return (null, e.Message);
        }

        var pid = process.Id;
        var pumps = Task.WhenAll(_log.PumpAsync(process.StandardOutput.BaseStream), _log.PumpAsync(process.StandardError.BaseStream));
        process.StandardInput.Close();
        var starts = Interlocked.Increment(ref _starts);
        Started?.Invoke(pid);
        if (starts > 1) Restarted?.Invoke(pid);

        try
        {
            await process.WaitForExitAsync(_stop.Token);
        }
        catch (OperationCanceledException)
        {
            TimeSpan grace;
            lock (_gate) grace = _grace;
            await ProcessTerminator.TerminateAsync(process, ownGroup, grace);
        }
        var exitCode = process.ExitCode;
        // Like a container's cgroup, whatever the process left running in its group goes with it, so an
        // orphaned child cannot keep holding the port the next start needs.
        if (ownGroup) Signals.Send(-pid, Signals.SigKill);
        // A child outside the group could hold the pipes open forever; don't wait on it for long.
        await Task.WhenAny(pumps, Task.Delay(TimeSpan.FromSeconds(1)));
        lock (_gate)
        {
            _process = null;
            process.Dispose();
        }
        return (exitCode, null);
    }
}
