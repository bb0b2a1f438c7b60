using Trellis.Proxy.Streams;

namespace Trellis.Proxy.Outbound.Endpoint;

/// <summary>An upstream HTTP/1.1 connection that serves at most <paramref name="maxRequests"/> requests (Envoy's
/// max_requests_per_connection): the last one goes out with <c>connection: close</c>, so the upstream closes the
/// connection after its answer and the pool dials a new one for the next request. The pool writes a request's head in
/// one write, the first after it read the previous answer; such a write is recognised by its request line and the end
/// of its head, and anything else passes through untouched.</summary>
internal sealed class RequestLimitStream(Stream inner, uint maxRequests) : PassThroughStream(inner)
{
    private static readonly byte[] EndOfHead = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] RequestLineEnd = " HTTP/1.1\r\n"u8.ToArray();
    private static readonly byte[] CloseHeader = "connection: close\r\n"u8.ToArray();

    private uint _requests;
    private bool _headExpected = true;

    public override int Read(Span<byte> buffer) => Answered(Inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Answered(await Inner.ReadAsync(buffer, cancellationToken));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (LastHeadEnd(buffer) is not { } end)
        {
            Inner.Write(buffer);
            return;
        }
        Inner.Write(buffer[..end]);
        Inner.Write(CloseHeader);
        Inner.Write(buffer[end..]);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (LastHeadEnd(buffer.Span) is not { } end) return Inner.WriteAsync(buffer, cancellationToken);
        var marked = new byte[buffer.Length + CloseHeader.Length];
        buffer.Span[..end].CopyTo(marked);
        CloseHeader.CopyTo(marked.AsSpan(end));
        buffer.Span[end..].CopyTo(marked.AsSpan(end + CloseHeader.Length));
        return Inner.WriteAsync(marked, cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Inner.Dispose();
        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => Inner.DisposeAsync();

    /// <summary>Where the head of the connection's last allowed request ends (the offset of its closing empty line), or
    /// null when <paramref name="bytes"/> is not that head.</summary>
    private int? LastHeadEnd(ReadOnlySpan<byte> bytes)
    {
        if (!_headExpected) return null;
        _headExpected = false;
        if (!IsRequestHead(bytes, out var end)) return null;
        _requests++;
        return _requests == maxRequests ? end + 2 : null;
    }

    /// <summary>A request line (an upper-case method, a target, HTTP/1.1) and a complete head.</summary>
    private static bool IsRequestHead(ReadOnlySpan<byte> bytes, out int end)
    {
        end = bytes.IndexOf(EndOfHead);
        var lineEnd = bytes.IndexOf("\r\n"u8);
        if (end < 0 || lineEnd < 0 || !bytes[..(lineEnd + 2)].EndsWith(RequestLineEnd)) return false;
        var method = bytes.IndexOf((byte)' ');
        return method > 0 && bytes[..method].IndexOfAnyExceptInRange((byte)'A', (byte)'Z') < 0;
    }

    private int Answered(int read)
    {
        if (read > 0) _headExpected = true;
        return read;
    }
}
