using System.Buffers.Binary;
using Trellis.Proxy.Outbound.Endpoint;

namespace Trellis.Proxy.Tests.Outbound.Endpoint;

/// <summary>The frame rewriting behind max_concurrent_streams and max_requests_per_connection on HTTP/2 connections, on
/// scripted bytes read back one byte at a time and in one piece, so no split of the frames goes unnoticed.</summary>
public sealed class Http2LimitStreamTests
{
    private static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    private static byte[] Frame(byte type, byte flags, uint stream, byte[] payload)
    {
        var frame = new byte[9 + payload.Length];
        frame[0] = (byte)(payload.Length >> 16);
        frame[1] = (byte)(payload.Length >> 8);
        frame[2] = (byte)payload.Length;
        frame[3] = type;
        frame[4] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(5), stream);
        payload.CopyTo(frame, 9);
        return frame;
    }

    private static byte[] Settings(params (ushort Id, uint Value)[] settings)
    {
        var payload = new byte[settings.Length * 6];
        for (var i = 0; i < settings.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(payload.AsSpan(i * 6), settings[i].Id);
            BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(i * 6 + 2), settings[i].Value);
        }
        return Frame(0x4, 0, 0, payload);
    }

    private static readonly byte[] SettingsAck = Frame(0x4, 0x1, 0, []);
    private static byte[] Data(uint stream, int length) => Frame(0x0, 0, stream, Enumerable.Repeat((byte)0x4, length).ToArray());
    private static byte[] HeadersOn(uint stream) => Frame(0x1, 0x4, stream, [0x82, 0x86, 0x84]);
    private static readonly byte[] GoAway = Frame(0x7, 0, 0, [0x7F, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0]);

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    /// <summary>The upstream's bytes as the client reads them through the wrapper, in reads of <paramref name="readSize"/>.</summary>
    private static byte[] ReadThrough(Http2LimitStream stream, int readSize)
    {
        var read = new List<byte>();
        var buffer = new byte[readSize];
        int n;
        while ((n = stream.Read(buffer)) > 0) read.AddRange(buffer.AsSpan(0, n).ToArray());
        return read.ToArray();
    }

    /// <summary>An upstream connection whose side to the client is the given bytes, and those sent later, delivered in
    /// pieces of <paramref name="pieceSize"/>; a read with nothing left ends the stream.</summary>
    private sealed class Scripted(byte[] fromUpstream, int pieceSize) : Stream
    {
        private readonly List<byte> _unread = [.. fromUpstream];
        public void Send(byte[] more) => _unread.AddRange(more);
        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(Math.Min(buffer.Length, pieceSize), _unread.Count);
            _unread.GetRange(0, n).ToArray().CopyTo(buffer);
            _unread.RemoveRange(0, n);
            return n;
        }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override void Write(byte[] buffer, int offset, int count) { }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    public static TheoryData<int> Splits => new() { 1, 5, 9, 4096 };

    [Theory]
    [MemberData(nameof(Splits))]
    public void The_upstreams_concurrent_stream_limit_is_lowered_to_the_clusters_and_nothing_else_changes(int split)
    {
        var upstream = Concat(Settings((0x4, 65535), (0x3, 100)), SettingsAck, Data(1, 20), Settings((0x3, 2)), Data(1, 3));
        var client = ReadThrough(new Http2LimitStream(new Scripted(upstream, split), maxConcurrentStreams: 5, maxRequests: null), split);
        Assert.Equal(Concat(Settings((0x4, 65535), (0x3, 5)), SettingsAck, Data(1, 20), Settings((0x3, 2)), Data(1, 3)), client);
    }

    [Theory]
    [MemberData(nameof(Splits))]
    public void An_upstream_without_a_limit_gets_the_clusters_in_its_first_settings_only(int split)
    {
        var upstream = Concat(Settings((0x4, 65535)), Data(1, 7), Frame(0x4, 0, 0, []), Settings((0x1, 4096)));
        var client = ReadThrough(new Http2LimitStream(new Scripted(upstream, split), maxConcurrentStreams: 1, maxRequests: null), split);
        Assert.Equal(Concat(Settings((0x4, 65535), (0x3, 1)), Data(1, 7), Frame(0x4, 0, 0, []), Settings((0x1, 4096))), client);
    }

    [Theory]
    [MemberData(nameof(Splits))]
    public void After_the_last_allowed_stream_opens_a_graceful_goaway_comes_before_the_upstreams_next_frame(int split)
    {
        var upstream = new Scripted(Concat(Settings((0x3, 100)), Data(1, 30)), split);
        var stream = new Http2LimitStream(upstream, maxConcurrentStreams: null, maxRequests: 2);
        var first = ReadThrough(stream, split);
        // The client's preface, its SETTINGS, stream 1 with a body in two DATA frames, then stream 3, in awkward pieces.
        foreach (var piece in Concat(Preface, Settings(), HeadersOn(1), Data(1, 10), Data(1, 0), HeadersOn(3)).Chunk(split)) stream.Write(piece);
        upstream.Send(Data(3, 12));
        Assert.Equal(Concat(Settings((0x3, 100)), Data(1, 30), GoAway, Data(3, 12)), Concat(first, ReadThrough(stream, split)));
    }

    [Fact]
    public void A_goaway_due_while_an_upstream_frame_is_half_read_waits_for_its_end()
    {
        var data = Data(1, 30);
        var upstream = new Scripted(Concat(Settings(), data[..20]), 4096);
        var stream = new Http2LimitStream(upstream, maxConcurrentStreams: null, maxRequests: 1);
        var first = ReadThrough(stream, 4096);
        stream.Write(Concat(Preface, Settings(), HeadersOn(1)));
        upstream.Send(Concat(data[20..], Data(1, 2)));
        Assert.Equal(Concat(Settings(), data, GoAway, Data(1, 2)), Concat(first, ReadThrough(stream, 4096)));
    }

    [Fact]
    public void Streams_below_the_limit_and_frames_on_open_streams_bring_no_goaway()
    {
        var upstream = Concat(Settings(), Data(1, 5));
        var stream = new Http2LimitStream(new Scripted(upstream, 4096), maxConcurrentStreams: null, maxRequests: 3);
        // Trailers and continuation frames on stream 1 do not open a stream; stream 3 is only the second.
        stream.Write(Concat(Preface, Settings(), HeadersOn(1), Data(1, 4), HeadersOn(1), HeadersOn(3)));
        Assert.Equal(Concat(Settings(), Data(1, 5)), ReadThrough(stream, 4096));
    }
}
