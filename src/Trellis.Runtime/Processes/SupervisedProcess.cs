using System.Diagnostics;
using System.Text;

namespace Trellis.Runtime;

/// <summary>A child process kept running: restarted with back-off when it exits, its output appended to a log
/// file, stopped gracefully (SIGTERM, then kill after 5 s) on dispose.</summary>
public sealed class SupervisedProcess : IAsyncDisposable
{
    private static readonly TimeSpan InitialBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    private readonly string _name;
    private readonly Func<ProcessStartInfo> _startInfo;
    private readonly string _logPath;
    private readonly object _gate = new();
    private readonly object _logGate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _pumps = [];
    private FileStream? _log;
    private Running? _current;
    private Task? _loop;
    private bool _disposed;

    /// <summary>Creates a supervised process; <paramref name="startInfo"/> is called for every (re)start.</summary>
    public SupervisedProcess(string name, Func<ProcessStartInfo> startInfo, string logPath)
    {
        _name = name;
        _startInfo = startInfo;
        _logPath = logPath;
    }

    /// <summary>The pid of the running child; null while it is not running (backing off or stopped).</summary>
    public int? Pid
    {
        get
        {
            lock (_gate) return _current is { } r && !r.Process.HasExited ? r.Process.Id : null;
        }
    }

    /// <summary>Raised with the new pid each time the child is started again after an exit.</summary>
    public event Action<int>? Restarted;

    /// <summary>Raised when the child exits (or fails to start, code -1) with the delay before the next start.</summary>
    internal event Action<int, TimeSpan>? Exited;

    /// <summary>Starts the child now (so <see cref="Pid"/> is set on return) and supervises it from then on.</summary>
    public void Start()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_loop is not null) throw new InvalidOperationException($"{_name} is already started");
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(_logPath))!);
            _log = new FileStream(_logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            _current = Launch();
            _loop = Task.Run(SuperviseAsync);
        }
    }

    private async Task SuperviseAsync()
    {
        var delay = InitialBackoff;
        while (true)
        {
            Running? current;
            lock (_gate) current = _current;
            var code = -1;
            if (current is not null)
            {
                try
                {
                    await current.Process.WaitForExitAsync(_stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                code = current.Process.ExitCode;
                if (DateTime.UtcNow - current.StartedAt >= StableAfter) delay = InitialBackoff;
            }
            if (_stop.IsCancellationRequested) return;
            Raise(() => Exited?.Invoke(code, delay));
            try
            {
                await Task.Delay(delay, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            delay = delay * 2 > MaxBackoff ? MaxBackoff : delay * 2;
            int? pid;
            lock (_gate)
            {
                if (_disposed) return;
                current?.Process.Dispose();
                _current = Launch();
                pid = _current?.Process.Id;
            }
            if (pid is { } started) Raise(() => Restarted?.Invoke(started));
        }
    }

    /// <summary>One start attempt; a failure is logged and treated like an immediate exit.</summary>
    private Running? Launch()
    {
        try
        {
            var start = _startInfo();
            start.UseShellExecute = false;
            start.RedirectStandardOutput = true;
            start.RedirectStandardError = true;
            start.RedirectStandardInput = true;
            var process = ProcessLauncher.Start(start, out var ownGroup);
            // Like a container started without -i: stdin is at EOF, never the supervisor's terminal.
            process.StandardInput.Close();
            _pumps.RemoveAll(t => t.IsCompleted);
            _pumps.Add(PumpAsync(process.StandardOutput.BaseStream));
            _pumps.Add(PumpAsync(process.StandardError.BaseStream));
            return new Running(process, ownGroup, DateTime.UtcNow);
        }
        catch (Exception e)
        {
            WriteLog($"[trellis] failed to start {_name}: {e.Message}\n");
            return null;
        }
    }

    private async Task PumpAsync(Stream source)
    {
        var buffer = new byte[8192];
        try
        {
            int read;
            while ((read = await source.ReadAsync(buffer)) > 0)
            {
                lock (_logGate)
                {
                    _log?.Write(buffer, 0, read);
                    _log?.Flush();
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The child closed its end or we are shutting down; either way there is nothing more to copy.
        }
    }

    private void WriteLog(string text)
    {
        lock (_logGate)
        {
            _log?.Write(Encoding.UTF8.GetBytes(text));
            _log?.Flush();
        }
    }

    private void Raise(Action handler)
    {
        try
        {
            handler();
        }
        catch (Exception e)
        {
            WriteLog($"[trellis] event handler for {_name} failed: {e.Message}\n");
        }
    }

    /// <summary>Stops the child (SIGTERM, up to 5 s grace, then kills its process tree) and never restarts it.</summary>
    public async ValueTask DisposeAsync()
    {
        Running? current;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            current = _current;
            _current = null;
        }
        _stop.Cancel();
        if (_loop is not null) await _loop;
        if (current is not null)
        {
            await StopAsync(current);
            current.Process.Dispose();
        }
        Task[] pumps;
        lock (_gate) pumps = [.. _pumps];
        await Task.WhenAny(Task.WhenAll(pumps), Task.Delay(TimeSpan.FromSeconds(2)));
        lock (_logGate)
        {
            _log?.Dispose();
            _log = null;
        }
        _stop.Dispose();
    }

    private static async Task StopAsync(Running running)
    {
        var process = running.Process;
        var pid = process.Id;
        if (!process.HasExited)
        {
            Signals.Send(running.OwnGroup ? -pid : pid, Signals.SigTerm);
            using var grace = new CancellationTokenSource(StopGrace);
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // It exited between the check and the kill.
                }
                await process.WaitForExitAsync();
            }
        }
        // Whatever the child left behind in its process group goes with it: no orphans.
        if (running.OwnGroup) Signals.Send(-pid, Signals.SigKill);
    }

    private sealed record Running(Process Process, bool OwnGroup, DateTime StartedAt);
}
