using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Trellis.Proxy.Tests.Support;

/// <summary>A client that opens a tunnel with CONNECT the way curl and gRPC clients do, byte for byte.</summary>
internal sealed class RawConnect : IAsyncDisposable
{
    private readonly Socket _socket;

    public NetworkStream Stream { get; }
    public string ResponseHead { get; private set; } = "";
    public int Status => int.Parse(ResponseHead.Split(' ')[1]);

    private RawConnect(Socket socket)
    {
        _socket = socket;
        Stream = new NetworkStream(socket, ownsSocket: true);
    }

    public static async Task<RawConnect> OpenAsync(int proxyPort, string request)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, proxyPort);
        var connect = new RawConnect(socket);
        await connect.Stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        connect.ResponseHead = await connect.ReadHeadAsync();
        return connect;
    }

    public static Task<RawConnect> TunnelAsync(int proxyPort, string authority, string extraHeaders = "") =>
        OpenAsync(proxyPort, $"CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n{extraHeaders}\r\n");

    /// <summary>Reads byte by byte up to the empty line, so nothing after the head is consumed.</summary>
    private async Task<string> ReadHeadAsync()
    {
        var head = new StringBuilder();
        var one = new byte[1];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await Stream.ReadAsync(one, timeout.Token) == 0) break;
            head.Append((char)one[0]);
        }
        return head.ToString();
    }

    public async Task SendAsync(string text) => await Stream.WriteAsync(Encoding.UTF8.GetBytes(text));

    /// <summary>Stops sending; the other side sees end of stream but can still answer.</summary>
    public void HalfClose() => _socket.Shutdown(SocketShutdown.Send);

    public async Task<string> ReadToEndAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var reader = new StreamReader(Stream, Encoding.UTF8, leaveOpen: true);
        return await reader.ReadToEndAsync(timeout.Token);
    }

    public async Task<string?> ReadLineAsync(StreamReader reader)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await reader.ReadLineAsync(timeout.Token);
    }

    public ValueTask DisposeAsync() => Stream.DisposeAsync();
}
