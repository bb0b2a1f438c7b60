using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Trellis.Samples.GrpcGreeter.Client;

/// <summary>Makes a gRPC client honour the standard proxy variables the way grpc-go and grpc-js do: it opens
/// an HTTP CONNECT tunnel to <c>host:port</c> through the proxy and speaks h2c inside it.
/// .NET cannot do this by itself for an http:// target: SocketsHttpHandler only sends HTTP/1.1 proxy-form
/// requests to a proxy for http:// (CONNECT is kept for https:// and ws://), so an HTTP/2-only gRPC call
/// fails before connecting; and GrpcChannel's default handler resolves and dials the target itself,
/// ignoring the proxy. Which proxy applies (and NO_PROXY) is still decided by <see cref="HttpClient.DefaultProxy"/>.</summary>
internal static class ProxyTunnel
{
    private const int MaxResponseHead = 16 * 1024;

    /// <summary>A handler for a GrpcChannel whose connections go through <paramref name="proxy"/> when it
    /// applies to the target, and straight to the target otherwise.</summary>
    public static SocketsHttpHandler Handler(IWebProxy proxy, Action<string>? log = null) => new()
    {
        UseProxy = false,
        ConnectCallback = async (context, ct) =>
        {
            var target = context.DnsEndPoint;
            var uri = new Uri($"http://{target.Host}:{target.Port}/");
            var proxyUri = proxy.IsBypassed(uri) ? null : proxy.GetProxy(uri);
            if (proxyUri is null) return await DialAsync(target.Host, target.Port, ct);
            var authority = $"{target.Host}:{target.Port}";
            log?.Invoke($"CONNECT {authority} via {proxyUri.Authority}");
            var stream = await DialAsync(proxyUri.Host, proxyUri.Port, ct);
            try
            {
                await OpenAsync(stream, authority, ct);
                return stream;
            }
            catch
            {
                await stream.DisposeAsync();
                throw;
            }
        },
    };

    /// <summary>Sends <c>CONNECT authority</c> on <paramref name="stream"/> and reads the proxy's answer; on 2xx
    /// the stream is the tunnel. The head is read a byte at a time so no tunnelled byte is consumed here.</summary>
    public static async Task OpenAsync(Stream stream, string authority, CancellationToken ct)
    {
        var request = $"CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), ct);
        var head = new List<byte>();
        var one = new byte[1];
        while (!EndsWithBlankLine(head))
        {
            if (await stream.ReadAsync(one, ct) == 0)
                throw new HttpRequestException($"the proxy closed the connection before answering CONNECT {authority}");
            head.Add(one[0]);
            if (head.Count > MaxResponseHead) throw new HttpRequestException($"the proxy's answer to CONNECT {authority} is too long");
        }
        var statusLine = Encoding.ASCII.GetString([.. head]).Split("\r\n")[0];
        var parts = statusLine.Split(' ', 3);
        if (parts.Length < 2 || !parts[0].StartsWith("HTTP/1.", StringComparison.Ordinal) || !int.TryParse(parts[1], out var status))
            throw new HttpRequestException($"the proxy answered CONNECT {authority} with '{statusLine}'");
        if (status is < 200 or > 299)
            throw new HttpRequestException($"the proxy refused CONNECT {authority}: {statusLine}", null, (HttpStatusCode)status);
    }

    private static bool EndsWithBlankLine(List<byte> head) =>
        head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n';

    private static async Task<Stream> DialAsync(string host, int port, CancellationToken ct)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
