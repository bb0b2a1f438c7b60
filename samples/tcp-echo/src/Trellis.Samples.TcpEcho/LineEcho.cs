using System.Text;

namespace Trellis.Samples.TcpEcho;

/// <summary>The protocol of Istio's tcp-echo-server: every line received (up to and including its '\n') is
/// written back as <c>PREFIX line</c>. Bytes are copied as they are, so any encoding and '\r\n' survive.</summary>
internal sealed class LineEcho(string prefix)
{
    /// <summary>A line longer than this is answered in pieces instead of being buffered without bound.</summary>
    public const int MaxLine = 64 * 1024;

    private readonly byte[] _prefix = Encoding.UTF8.GetBytes(prefix + " ");

    /// <summary>Answers lines until the client half-closes (EOF), then answers a last unterminated line too
    /// (Istio's Go server drops it; answering lets `printf hello | client` work) and returns, so the caller can
    /// close its side: a client that shut down its sending side still reads every reply.</summary>
    public async Task<int> RunAsync(Stream stream, Action<string>? log, CancellationToken ct)
    {
        var buffer = new byte[8192];
        var line = new MemoryStream();
        var lines = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer, ct)) > 0)
        {
            var start = 0;
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] != (byte)'\n' && line.Length + (i + 1 - start) < MaxLine) continue;
                line.Write(buffer, start, i + 1 - start);
                start = i + 1;
                await ReplyAsync(stream, line, log, ct);
                lines++;
            }
            line.Write(buffer, start, read - start);
        }
        if (line.Length > 0)
        {
            await ReplyAsync(stream, line, log, ct);
            lines++;
        }
        return lines;
    }

    private async Task ReplyAsync(Stream stream, MemoryStream line, Action<string>? log, CancellationToken ct)
    {
        log?.Invoke("request: " + Encoding.UTF8.GetString(line.GetBuffer(), 0, (int)line.Length).TrimEnd('\r', '\n'));
        // One write per reply: a client reading "one hello\n" should not see the prefix arrive on its own.
        var reply = new byte[_prefix.Length + line.Length];
        _prefix.CopyTo(reply, 0);
        line.GetBuffer().AsSpan(0, (int)line.Length).CopyTo(reply.AsSpan(_prefix.Length));
        await stream.WriteAsync(reply, ct);
        line.SetLength(0);
    }
}
