using System.Buffers;

namespace Trellis.Proxy.Tests.Support;

/// <summary>Bytes as a multi-segment sequence, the way a pipe hands over what arrived in several reads.</summary>
internal static class Segments
{
    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, Segment? previous)
        {
            Memory = memory;
            if (previous is null) return;
            RunningIndex = previous.RunningIndex + previous.Memory.Length;
            previous.Next = this;
        }
    }

    /// <summary>Splits <paramref name="bytes"/> at the given cut points (any order, out-of-range ones ignored).</summary>
    public static ReadOnlySequence<byte> Split(byte[] bytes, IEnumerable<int> cuts)
    {
        var points = cuts.Where(c => c > 0 && c < bytes.Length).Distinct().Order().Append(bytes.Length).ToArray();
        Segment? first = null, last = null;
        var start = 0;
        foreach (var end in points)
        {
            last = new Segment(bytes.AsMemory(start, end - start), last);
            first ??= last;
            start = end;
        }
        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }
}
