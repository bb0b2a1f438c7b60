using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Trellis.Runtime;

/// <summary>Sidecar readiness and Kubernetes readiness probes, always direct to loopback (never through a proxy).</summary>
internal static class HealthChecks
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler
    {
        // The supervisor itself may run with http_proxy set; probes must still go straight to the pod.
        UseProxy = false,
        AllowAutoRedirect = false,
        ConnectTimeout = TimeSpan.FromSeconds(2),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public static async Task<bool> SidecarReadyAsync(int adminPort, CancellationToken ct) =>
        await HttpGetAsync(adminPort, "/ready", TimeSpan.FromSeconds(1), ok: code => code == 200, ct);

    /// <summary>Runs one probe; a port equal to one of the container's ports (or any port when it declares none) means the app's $PORT.</summary>
    public static Task<bool> ProbeAsync(ProbeSpec probe, ContainerSpec container, int appPort,
        IReadOnlyDictionary<string, string> environment, CancellationToken ct)
    {
        var timeout = TimeSpan.FromSeconds(Math.Max(1, probe.TimeoutSeconds));
        if (probe.Exec is { Count: > 0 } exec) return ExecAsync(exec, container.WorkingDirectory, environment, timeout, ct);
        if (probe.TcpPort is { } tcp) return TcpAsync(MapPort(tcp, container, appPort), timeout, ct);
        var path = string.IsNullOrEmpty(probe.HttpPath) ? "/" : probe.HttpPath;
        return HttpGetAsync(MapPort(probe.HttpPort, container, appPort), path, timeout, ok: code => code is >= 200 and < 400, ct);
    }

    private static int MapPort(int? port, ContainerSpec container, int appPort) =>
        port is null || container.ContainerPorts.Count == 0 || container.ContainerPorts.Contains(port.Value) ? appPort : port.Value;

    private static async Task<bool> HttpGetAsync(int port, string path, TimeSpan timeout, Func<int, bool> ok, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            using var response = await Http.GetAsync(new Uri($"http://127.0.0.1:{port}{(path.StartsWith('/') ? path : "/" + path)}"),
                HttpCompletionOption.ResponseHeadersRead, limit.Token);
            return ok((int)response.StatusCode);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or UriFormatException && !ct.IsCancellationRequested)
        {
            return false;
        }
    }

    private static async Task<bool> TcpAsync(int port, TimeSpan timeout, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), limit.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return false;
        }
    }

    private static async Task<bool> ExecAsync(IReadOnlyList<string> command, string workingDirectory,
        IReadOnlyDictionary<string, string> environment, TimeSpan timeout, CancellationToken ct)
    {
        if (CommandResolver.Resolve(command[0], workingDirectory) is not { } executable) return false;
        var start = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = string.IsNullOrEmpty(workingDirectory) ? Environment.CurrentDirectory : workingDirectory,
        };
        foreach (var arg in command.Skip(1)) start.ArgumentList.Add(arg);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        Process? started;
        try
        {
            started = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
        if (started is null) return false;
        using var process = started;
        // Drain the output so a chatty probe never blocks on a full pipe.
        var drain = Task.WhenAll(process.StandardOutput.ReadToEndAsync(CancellationToken.None), process.StandardError.ReadToEndAsync(CancellationToken.None));
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
            await drain;
            return process.ExitCode == 0;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            ct.ThrowIfCancellationRequested();
            return false;
        }
    }
}
