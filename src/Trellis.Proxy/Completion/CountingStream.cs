using Trellis.Proxy.Streams;

namespace Trellis.Proxy.Completion;

/// <summary>A request or response body that passes everything through to the stream it wraps and counts the bytes.</summary>
internal sealed class CountingStream(Stream inner, BodyByteCounter counter, bool received) : PassThroughStream(inner)
{
    public override int Read(Span<byte> buffer) => Counted(Inner.Read(buffer), buffer.Length);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Counted(await Inner.ReadAsync(buffer, cancellationToken), buffer.Length);

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Inner.Write(buffer);
        counter.AddSent(buffer.Length);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await Inner.WriteAsync(buffer, cancellationToken);
        counter.AddSent(buffer.Length);
    }

    // A zero-byte read into an empty buffer only waits for data (Kestrel's pipe adapter does that); into a real one it means the body ended.
    private int Counted(int read, int wanted)
    {
        if (received && (read > 0 || wanted > 0)) counter.AddReceived(read);
        return read;
    }
}
