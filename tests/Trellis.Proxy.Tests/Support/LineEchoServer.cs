using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Trellis.Proxy.Tests.Support;

/// <summary>A raw TCP server (no HTTP): answers each line with "prefix line" and, once the client
/// half-closes, says "bye" and closes, so tests can see bytes both ways and the half-close arrive.</summary>
internal sealed class LineEchoServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly string _prefix;
    private readonly Task _accepting;

    public int Port { get; }
    public int Connections;

    /// <summary>Pings an echo server through <paramref name="connection"/> every 50 ms until the connection closes
    /// (or 10 s pass): how many pings came back, answered "<paramref name="prefix"/> ping", and how long it lasted.</summary>
    public static async Task<(int Answered, TimeSpan Lasted)> PingUntilClosedAsync(Stream connection, string prefix)
    {
        using var reader = new StreamReader(connection, leaveOpen: true);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var answered = 0;
        while (!timeout.IsCancellationRequested)
        {
            try
            {
                await connection.WriteAsync(Encoding.UTF8.GetBytes("ping\n"), timeout.Token);
                if (await reader.ReadLineAsync(timeout.Token) != prefix + " ping") break;
            }
            catch (IOException)
            {
                break;
            }
            answered++;
            await Task.Delay(50, timeout.Token);
        }
        return (answered, clock.Elapsed);
    }

    public LineEchoServer(string prefix)
    {
        _prefix = prefix;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref Connections);
                _ = ServeAsync(client);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.UTF8);
                await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
                while (await reader.ReadLineAsync(_stop.Token) is { } line) await writer.WriteLineAsync($"{_prefix} {line}");
                await writer.WriteLineAsync("bye");
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
    }
}
