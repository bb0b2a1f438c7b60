using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Trellis.Proxy.Tests.Support;

/// <summary>An HTTP/1.1 client that sends the request target byte for byte, for targets HttpClient would normalize itself.</summary>
internal static class RawHttp
{
    public sealed record Answer(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
    {
        public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
    }

    public static async Task<Answer> GetAsync(int port, string target, string host = "ratings:9080", string extraHeaders = "")
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var buffer = new MemoryStream();
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port);
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {target} HTTP/1.1\r\nHost: {host}\r\n{extraHeaders}Connection: close\r\n\r\n"));
            await stream.CopyToAsync(buffer, timeout.Token);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            // A proxy that resets the connection after its answer still gave the answer; one that closed it at once gave none (status 0).
        }
        var text = Encoding.UTF8.GetString(buffer.ToArray());
        if (text.Length == 0) return new Answer(0, new Dictionary<string, string>(), "");
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = (split < 0 ? text : text[..split]).Split("\r\n");
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in head.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon > 0) headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        var body = split < 0 ? "" : text[(split + 4)..];
        if (headers.TryGetValue("transfer-encoding", out var te) && te.Contains("chunked")) body = Dechunk(body);
        return new Answer(int.Parse(head[0].Split(' ')[1]), headers, body);
    }

    private static string Dechunk(string body)
    {
        var result = new StringBuilder();
        var at = 0;
        while (at < body.Length)
        {
            var end = body.IndexOf("\r\n", at, StringComparison.Ordinal);
            if (end < 0) break;
            var size = Convert.ToInt32(body[at..end].Split(';')[0], 16);
            if (size == 0) break;
            result.Append(body, end + 2, size);
            at = end + 2 + size + 2;
        }
        return result.ToString();
    }
}
