using System.Net;
using System.Net.Sockets;

namespace Trellis.Samples.TcpEcho;

/// <summary>Listens on loopback ports (local mode: every pod shares this machine's 127.0.0.1) and runs
/// <see cref="LineEcho"/> on every accepted connection, concurrently.</summary>
internal sealed class EchoServer(EchoOptions options, TextWriter log)
{
    private readonly LineEcho _echo = new(options.Prefix);

    public async Task RunAsync(CancellationToken ct)
    {
        var listeners = options.Ports.Select(port =>
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start(backlog: 512);
            return listener;
        }).ToList();
        Log($"listening on {string.Join(", ", options.Ports.Select(p => $"127.0.0.1:{p}"))}, prefix \"{options.Prefix}\"");
        try
        {
            await Task.WhenAll(listeners.Select(l => AcceptAsync(l, ct)));
        }
        finally
        {
            foreach (var listener in listeners) listener.Stop();
        }
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            _ = ServeAsync(socket, ct);
        }
    }

    private async Task ServeAsync(Socket socket, CancellationToken ct)
    {
        var peer = socket.RemoteEndPoint?.ToString() ?? "?";
        socket.NoDelay = true;
        try
        {
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            var lines = await _echo.RunAsync(stream, Log, ct);
            // The client half-closed and has every reply; finishing our side lets it see EOF.
            socket.Shutdown(SocketShutdown.Send);
            Log($"connection from {peer} closed after {lines} line(s)");
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            Log($"connection from {peer} failed: {e.Message}");
        }
        finally
        {
            socket.Dispose();
        }
    }

    private void Log(string message)
    {
        lock (log) log.WriteLine(message);
    }
}
