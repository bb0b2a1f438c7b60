using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Trellis.Samples.Tests.SampleSupport;

/// <summary>A minimal HTTP CONNECT proxy on loopback standing in for a sidecar: it records each request head,
/// tunnels the authorities it knows ("greeter:50051" → a local port) and refuses the rest with 403.</summary>
internal sealed class ConnectProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IReadOnlyDictionary<string, int> _routes;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _heads = new();
    private readonly Task _accepting;

    public ConnectProxy(IReadOnlyDictionary<string, int> routes)
    {
        _routes = routes;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    /// <summary>Every request head received, in order, e.g. "CONNECT greeter:50051 HTTP/1.1\r\nHost: ...".</summary>
    public IReadOnlyList<string> Heads => [.. _heads];

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = ServeAsync(client);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        var head = await ReadHeadAsync(stream);
        if (head is null) return;
        _heads.Enqueue(head);
        var requestLine = head.Split("\r\n")[0].Split(' ');
        if (requestLine is not ["CONNECT", var authority, _] || !_routes.TryGetValue(authority, out var port))
        {
            await stream.WriteAsync("HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n"u8.ToArray());
            return;
        }
        using var upstream = new TcpClient();
        await upstream.ConnectAsync(IPAddress.Loopback, port);
        await stream.WriteAsync("HTTP/1.1 200 OK\r\n\r\n"u8.ToArray());
        var upstreamStream = upstream.GetStream();
        await Task.WhenAll(PipeAsync(stream, upstream.Client, upstreamStream), PipeAsync(upstreamStream, client.Client, stream));
    }

    /// <summary>Copies until EOF, then half-closes the other side so a client's shutdown travels through.</summary>
    private static async Task PipeAsync(Stream from, Socket toSocket, Stream to)
    {
        try
        {
            await from.CopyToAsync(to);
            toSocket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
        }
    }

    private static async Task<string?> ReadHeadAsync(Stream stream)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one) == 0 || head.Length > 8192) return null;
            head.Append((char)one[0]);
        }
        return head.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
