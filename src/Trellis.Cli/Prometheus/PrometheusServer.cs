using System.Diagnostics;
using Trellis.Runtime;

namespace Trellis.Cli.Prometheus;

/// <summary>A Prometheus process started from the machine's own installation (Debian's `prometheus` package) with its
/// configuration and data under the mesh home, listening on loopback only.</summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    private readonly Process _process;

    public Uri Url { get; }

    public string LogPath { get; }

    private PrometheusServer(Process process, Uri url, string logPath)
    {
        _process = process;
        Url = url;
        LogPath = logPath;
    }

    /// <summary>The prometheus executable on PATH; null when it is not installed.</summary>
    public static string? FindExecutable()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "prometheus");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>Starts Prometheus and waits until it answers /-/ready. Throws <see cref="PrometheusStartException"/>
    /// with the tail of its log when it exits or does not become ready.</summary>
    public static async Task<PrometheusServer> StartAsync(string executable, string configPath, string dataDirectory, int port, string logPath, CancellationToken ct)
    {
        Directory.CreateDirectory(dataDirectory);
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        var url = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var arg in new[]
        {
            $"--config.file={configPath}", $"--storage.tsdb.path={dataDirectory}", $"--web.listen-address=127.0.0.1:{port}",
            // A dashboard's history: a day is plenty and keeps the mesh home small.
            "--storage.tsdb.retention.time=1d",
        })
        {
            start.ArgumentList.Add(arg);
        }
        var process = Process.Start(start) ?? throw new PrometheusStartException($"could not start {executable}", "");
        process.StandardInput.Close();
        var log = new StreamWriter(logPath, append: false) { AutoFlush = true };
        var copy = Task.WhenAll(CopyAsync(process.StandardOutput, log), CopyAsync(process.StandardError, log))
            .ContinueWith(_ => log.Dispose(), TaskScheduler.Default);
        var server = new PrometheusServer(process, url, logPath);
        try
        {
            await server.WaitReadyAsync(ct);
            return server;
        }
        catch (PrometheusStartException)
        {
            await server.DisposeAsync();
            await copy;
            throw new PrometheusStartException($"Prometheus did not become ready at {url}", Tail(logPath));
        }
    }

    private async Task WaitReadyAsync(CancellationToken ct)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + ReadyTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new PrometheusStartException("exited", "");
            try
            {
                using var response = await http.GetAsync(new Uri(Url, "/-/ready"), ct);
                if (response.IsSuccessStatusCode) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
            }
            await Task.Delay(250, ct);
        }
        throw new PrometheusStartException("not ready", "");
    }

    /// <summary>Waits until Prometheus exits by itself (its exit code) or <paramref name="ct"/> asks it to stop (null).</summary>
    public async Task<int?> WaitAsync(CancellationToken ct)
    {
        try
        {
            await _process.WaitForExitAsync(ct);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private static async Task CopyAsync(StreamReader from, StreamWriter to)
    {
        while (await from.ReadLineAsync() is { } line)
        {
            lock (to) to.WriteLine(line);
        }
    }

    private static string Tail(string path)
    {
        try
        {
            return string.Join('\n', File.ReadLines(path).TakeLast(10));
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>SIGTERM, so Prometheus closes its database cleanly, then SIGKILL after a grace period.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Signals.Send(_process.Id, Signals.SigTerm);
            using var grace = new CancellationTokenSource(StopGrace);
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        _process.Dispose();
    }
}

/// <summary>Prometheus did not start; <see cref="LogTail"/> says why in its own words.</summary>
internal sealed class PrometheusStartException(string message, string logTail) : Exception(message)
{
    public string LogTail { get; } = logTail;
}
