using System.Buffers.Binary;
using Trellis.Proxy.Streams;

namespace Trellis.Proxy.Outbound.Endpoint;

/// <summary>An upstream HTTP/2 connection held to Envoy's per-connection limits, which the pool itself cannot apply. It
/// follows the frames both ways and
/// <list type="bullet">
/// <item>lowers the upstream's SETTINGS_MAX_CONCURRENT_STREAMS to <paramref name="maxConcurrentStreams"/>
/// (http2_protocol_options.max_concurrent_streams), so the pool opens another connection rather than exceed it;</item>
/// <item>once the client has opened <paramref name="maxRequests"/> streams (max_requests_per_connection), hands the
/// client a graceful GOAWAY (last stream 2^31-1, NO_ERROR) between two of the upstream's frames: the pool starts no new
/// stream on the connection, lets those in flight finish, then closes it. A stream the client opened before it read the
/// GOAWAY is still served, so concurrent requests may take a connection a little past its limit, but no request is
/// refused or sent twice.</item>
/// </list>
/// Nothing else changes: header blocks, and with them HPACK's state, pass through untouched.</summary>
internal sealed class Http2LimitStream(Stream inner, uint? maxConcurrentStreams, uint? maxRequests) : PassThroughStream(inner)
{
    private const int HeaderLength = 9;
    private const int ClientPrefaceLength = 24;
    private const byte HeadersType = 0x1;
    private const byte SettingsType = 0x4;
    private const byte GoAwayType = 0x7;
    private const byte AckFlag = 0x1;
    private const ushort MaxConcurrentStreamsId = 0x3;
    private const int SettingLength = 6;
    // The client accepts no larger frame, since the pool never raises SETTINGS_MAX_FRAME_SIZE.
    private const int MaxFramePayload = 16_384;

    // The client's side: only frame headers are read, to count the streams it opens.
    private readonly byte[] _sentHeader = new byte[HeaderLength];
    private int _sentHeaderFill;
    private long _sentSkip = ClientPrefaceLength;
    private uint _openedStreams;
    private uint _highestStream;
    private volatile bool _goAwayDue;

    // The upstream's side: each frame header is held until whole, then passed on, or with its SETTINGS payload rewritten.
    private readonly byte[] _frame = new byte[HeaderLength + MaxFramePayload + SettingLength];
    private int _frameFill;
    private int _settingsEnd;
    private long _passLeft;
    private bool _upstreamSpoke;
    private bool _firstSettingsSeen;
    private bool _goAwaySent;

    private bool _prefaceWritten;
    private readonly TaskCompletionSource _firstSettingsApplied = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private byte[] _out = new byte[8192];
    private int _outStart;
    private int _outEnd;
    private byte[] _scratch = [];

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        CountStreams(buffer);
        Inner.Write(buffer);
        if (IsPreface()) _firstSettingsApplied.Task.GetAwaiter().GetResult();
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        CountStreams(buffer.Span);
        await Inner.WriteAsync(buffer, cancellationToken);
        if (IsPreface()) await _firstSettingsApplied.Task.WaitAsync(cancellationToken);
    }

    /// <summary>The pool starts streams on a new connection as soon as its preface is written, assuming 100 at once until
    /// it has read the upstream's SETTINGS. So the preface's write returns only once the pool has taken the capped first
    /// SETTINGS and come back for more, which it does after applying them.</summary>
    private bool IsPreface()
    {
        if (_prefaceWritten || maxConcurrentStreams is null) return false;
        _prefaceWritten = true;
        return true;
    }

    private void NoteReadRequested()
    {
        if (_firstSettingsSeen && _outStart == _outEnd) _firstSettingsApplied.TrySetResult();
    }

    public override int Read(Span<byte> buffer)
    {
        NoteReadRequested();
        if (buffer.IsEmpty) return HasOutput ? 0 : Inner.Read(buffer);
        while (true)
        {
            if (TakeOutput(buffer) is var taken and > 0) return taken;
            var read = Inner.Read(Scratch(buffer.Length));
            if (read == 0) return Ended();
            Transform(_scratch.AsSpan(0, read));
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        NoteReadRequested();
        // The pool waits for data with a zero-byte read: it returns once something can be read.
        if (buffer.IsEmpty) return HasOutput ? 0 : await Inner.ReadAsync(buffer, cancellationToken);
        while (true)
        {
            if (TakeOutput(buffer.Span) is var taken and > 0) return taken;
            var read = await Inner.ReadAsync(Scratch(buffer.Length), cancellationToken);
            if (read == 0) return Ended();
            Transform(_scratch.AsSpan(0, read));
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Ended();
            Inner.Dispose();
        }
        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync()
    {
        Ended();
        return Inner.DisposeAsync();
    }

    /// <summary>A connection that ends or fails before its SETTINGS came must not hold its preface's write.</summary>
    private int Ended()
    {
        _firstSettingsApplied.TrySetResult();
        return 0;
    }

    /// <summary>Follows the client's frames: a HEADERS frame on a stream above every earlier one opens a new stream.</summary>
    private void CountStreams(ReadOnlySpan<byte> bytes)
    {
        if (maxRequests is not { } limit) return;
        while (bytes.Length > 0)
        {
            if (_sentSkip > 0)
            {
                var skipped = (int)Math.Min(_sentSkip, bytes.Length);
                _sentSkip -= skipped;
                bytes = bytes[skipped..];
                continue;
            }
            var take = Math.Min(HeaderLength - _sentHeaderFill, bytes.Length);
            bytes[..take].CopyTo(_sentHeader.AsSpan(_sentHeaderFill));
            _sentHeaderFill += take;
            bytes = bytes[take..];
            if (_sentHeaderFill < HeaderLength) continue;
            _sentHeaderFill = 0;
            var header = FrameHeader.Parse(_sentHeader);
            _sentSkip = header.Length;
            if (header.Type != HeadersType || header.Stream <= _highestStream) continue;
            _highestStream = header.Stream;
            if (++_openedStreams >= limit) _goAwayDue = true;
        }
    }

    private bool AtFrameBoundary => _frameFill == 0 && _passLeft == 0 && _settingsEnd == 0;

    /// <summary>A GOAWAY is owed and may go now: between two of the upstream's frames, after its first.</summary>
    private bool GoAwayReady => _goAwayDue && !_goAwaySent && _upstreamSpoke && AtFrameBoundary;

    private bool HasOutput => _outStart < _outEnd || GoAwayReady;

    private int TakeOutput(Span<byte> buffer)
    {
        // With nothing of the upstream's waiting, a due GOAWAY goes to the client at once.
        if (_outStart == _outEnd && GoAwayReady) AppendGoAway();
        var count = Math.Min(buffer.Length, _outEnd - _outStart);
        _out.AsSpan(_outStart, count).CopyTo(buffer);
        _outStart += count;
        return count;
    }

    /// <summary>Moves the upstream's bytes to the output, rewriting SETTINGS and putting a due GOAWAY between frames.</summary>
    private void Transform(ReadOnlySpan<byte> bytes)
    {
        while (bytes.Length > 0)
        {
            if (_passLeft > 0)
            {
                var passed = (int)Math.Min(_passLeft, bytes.Length);
                Append(bytes[..passed]);
                _passLeft -= passed;
                bytes = bytes[passed..];
                continue;
            }
            if (GoAwayReady) AppendGoAway();
            var end = _settingsEnd > 0 ? _settingsEnd : HeaderLength;
            var take = Math.Min(end - _frameFill, bytes.Length);
            bytes[..take].CopyTo(_frame.AsSpan(_frameFill));
            _frameFill += take;
            bytes = bytes[take..];
            if (_frameFill < end) continue;
            if (_settingsEnd > 0)
            {
                Append(RewriteSettings(_frame.AsSpan(0, _settingsEnd)));
                _settingsEnd = _frameFill = 0;
                continue;
            }
            var header = FrameHeader.Parse(_frame);
            _upstreamSpoke = true;
            if (!IsSettingsToRewrite(header))
            {
                _frameFill = 0;
                Append(_frame.AsSpan(0, HeaderLength));
                _passLeft = header.Length;
            }
            else if (header.Length > 0)
            {
                _settingsEnd = HeaderLength + header.Length;
            }
            else
            {
                _frameFill = 0;
                Append(RewriteSettings(_frame.AsSpan(0, HeaderLength)));
            }
        }
    }

    private bool IsSettingsToRewrite(FrameHeader header) =>
        maxConcurrentStreams is not null && header.Type == SettingsType && (header.Flags & AckFlag) == 0 && header.Stream == 0
        && header.Length <= MaxFramePayload && header.Length % SettingLength == 0;

    /// <summary>Caps MAX_CONCURRENT_STREAMS in a whole SETTINGS frame. The upstream's first SETTINGS without one (no
    /// limit) gets one appended; a later frame without one leaves the capped value in force.</summary>
    private Span<byte> RewriteSettings(Span<byte> frame)
    {
        var cap = maxConcurrentStreams!.Value;
        var found = false;
        for (var at = HeaderLength; at + SettingLength <= frame.Length; at += SettingLength)
        {
            if (BinaryPrimitives.ReadUInt16BigEndian(frame[at..]) != MaxConcurrentStreamsId) continue;
            found = true;
            var value = BinaryPrimitives.ReadUInt32BigEndian(frame[(at + 2)..]);
            BinaryPrimitives.WriteUInt32BigEndian(frame[(at + 2)..], Math.Min(value, cap));
        }
        var first = !_firstSettingsSeen;
        _firstSettingsSeen = true;
        if (found || !first) return frame;
        var grown = _frame.AsSpan(0, frame.Length + SettingLength);
        BinaryPrimitives.WriteUInt16BigEndian(grown[frame.Length..], MaxConcurrentStreamsId);
        BinaryPrimitives.WriteUInt32BigEndian(grown[(frame.Length + 2)..], cap);
        WriteLength(grown, grown.Length - HeaderLength);
        return grown;
    }

    private void AppendGoAway()
    {
        _goAwaySent = true;
        Span<byte> frame = stackalloc byte[HeaderLength + 8];
        frame.Clear();
        WriteLength(frame, 8);
        frame[3] = GoAwayType;
        BinaryPrimitives.WriteUInt32BigEndian(frame[HeaderLength..], int.MaxValue);
        Append(frame);
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (_outStart == _outEnd) _outStart = _outEnd = 0;
        if (_outEnd + bytes.Length > _out.Length)
        {
            var held = _outEnd - _outStart;
            var grown = held + bytes.Length > _out.Length ? new byte[Math.Max(_out.Length * 2, held + bytes.Length)] : _out;
            _out.AsSpan(_outStart, held).CopyTo(grown);
            (_out, _outStart, _outEnd) = (grown, 0, held);
        }
        bytes.CopyTo(_out.AsSpan(_outEnd));
        _outEnd += bytes.Length;
    }

    private byte[] Scratch(int size)
    {
        size = Math.Clamp(size, 4096, 65_536);
        if (_scratch.Length < size) _scratch = new byte[size];
        return _scratch;
    }

    private static void WriteLength(Span<byte> frame, int length)
    {
        frame[0] = (byte)(length >> 16);
        frame[1] = (byte)(length >> 8);
        frame[2] = (byte)length;
    }

    private readonly record struct FrameHeader(int Length, byte Type, byte Flags, uint Stream)
    {
        public static FrameHeader Parse(ReadOnlySpan<byte> header) => new(
            header[0] << 16 | header[1] << 8 | header[2], header[3], header[4],
            BinaryPrimitives.ReadUInt32BigEndian(header[5..]) & 0x7FFF_FFFF);
    }
}
