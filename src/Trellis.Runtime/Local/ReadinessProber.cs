using System.ComponentModel;
using System.Diagnostics;
using System.Net.Sockets;

namespace Trellis.Runtime;

/// <summary>Runs one readiness probe against the app: HTTP GET (200-399), TCP connect or exec (exit 0). Every
/// probe port is the app's $PORT: in local mode the app has that one port, whatever container port it declares.</summary>
internal sealed class ReadinessProber(ProbeSpec probe, int appPort, AppLaunch app)
{
    private TimeSpan Timeout => TimeSpan.FromSeconds(Math.Max(1, probe.TimeoutSeconds));

    /// <summary>Whether the probe passed, and why not.</summary>
    public async Task<(bool Success, string? Failure)> ProbeAsync(CancellationToken ct)
    {
        if (probe.Exec is { Count: > 0 } command) return await ExecAsync(command, ct);
        if (probe.TcpPort is not null && probe.HttpPath is null) return await ConnectAsync(ct);
        var path = probe.HttpPath ?? "/";
        var (status, error) = await LoopbackHttp.GetStatusAsync(appPort, path, Timeout, ct);
        return status is >= 200 and < 400 ? (true, null) : (false, error ?? $"GET {path} returned HTTP {status}");
    }

    private async Task<(bool, string?)> ConnectAsync(CancellationToken ct)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timer.CancelAfter(Timeout);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(System.Net.IPAddress.Loopback, appPort, timer.Token);
            return (true, null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (false, $"tcp connect to port {appPort} timed out");
        }
        catch (SocketException e)
        {
            return (false, $"tcp connect to port {appPort}: {e.Message}");
        }
    }

    private async Task<(bool, string?)> ExecAsync(IReadOnlyList<string> command, CancellationToken ct)
    {
        var expanded = command.Select(a => VariableExpander.Expand(a, app.Environment)).ToList();
        var (executable, error) = CommandResolver.Lookup(expanded[0], app.WorkingDirectory);
        if (executable is null) return (false, $"exec probe: {error}");
        var start = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            WorkingDirectory = app.WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in expanded.Skip(1)) start.ArgumentList.Add(argument);
        foreach (var (name, value) in app.Environment) start.Environment[name] = value;
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            return (false, $"exec probe: {e.Message}");
        }
        // Output is not kept, but must be drained so a chatty probe cannot block on a full pipe.
        var drain = Task.WhenAll(process.StandardOutput.ReadToEndAsync(CancellationToken.None), process.StandardError.ReadToEndAsync(CancellationToken.None));
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timer.CancelAfter(Timeout);
        try
        {
            await process.WaitForExitAsync(timer.Token);
            await Task.WhenAny(drain, Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None));
            return process.ExitCode == 0 ? (true, null) : (false, $"exec probe exited with code {process.ExitCode}");
        }
        catch (OperationCanceledException)
        {
            ProcessTerminator.KillRemains(process, process.Id, ownGroup: false);
            await process.WaitForExitAsync(CancellationToken.None);
            return (false, "exec probe timed out");
        }
    }
}
