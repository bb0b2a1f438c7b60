using System.Buffers.Binary;
using System.Text;

namespace Trellis.Proxy.Listeners.ListenerFilters;

/// <summary>What a TLS ClientHello asks for: the server name (SNI, empty when none) and the ALPN protocols in the client's order.</summary>
internal sealed record ClientHelloInfo(string ServerName, IReadOnlyList<string> ApplicationProtocols);

internal enum ClientHelloStatus
{
    NeedMore,
    NotTls,
    TooLarge,
    Found,
}

/// <summary>Reads a TLS ClientHello from a connection's first bytes as Envoy's tls_inspector has BoringSSL read it:
/// handshake records (fragments reassembled), the ClientHello's structure and its extensions (no duplicates), the
/// server_name extension (one host_name, 1-255 bytes, no NUL). Anything malformed is "not TLS"; a malformed ALPN list
/// is ignored, as Envoy leaves it to the TLS stack. Every length is checked against the bytes present.</summary>
internal static class ClientHello
{
    /// <summary>Envoy's limit on what tls_inspector reads before it gives up on a ClientHello (and closes the connection).</summary>
    public const int MaxLength = 64 * 1024;

    private const byte HandshakeRecord = 22;
    private const byte ClientHelloType = 1;
    private const int RecordHeader = 5;
    private const int MaxRecordBody = 16384;
    private const int HandshakeHeader = 4;
    private const ushort ServerNameExtension = 0;
    private const ushort AlpnExtension = 16;
    private const int MaxHostName = 255;

    public static ClientHelloStatus Parse(ReadOnlySpan<byte> data, out ClientHelloInfo? hello)
    {
        hello = null;
        var fragments = new List<Range>();
        var available = 0;
        var messageLength = -1;
        var offset = 0;
        while (messageLength < 0 || available < HandshakeHeader + messageLength)
        {
            var left = data.Length - offset;
            if (left <= 0) return ClientHelloStatus.NeedMore;
            if (data[offset] != HandshakeRecord || (left > 1 && data[offset + 1] != 3)) return ClientHelloStatus.NotTls;
            if (left < RecordHeader) return ClientHelloStatus.NeedMore;
            var length = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(offset + 3, 2));
            if (length is 0 or > MaxRecordBody) return ClientHelloStatus.NotTls;
            var present = Math.Min(length, left - RecordHeader);
            fragments.Add(new Range(offset + RecordHeader, offset + RecordHeader + present));
            available += present;
            offset += RecordHeader + length;
            if (messageLength < 0 && available >= 1 && ByteAt(data, fragments, 0) != ClientHelloType) return ClientHelloStatus.NotTls;
            if (messageLength < 0 && available >= HandshakeHeader)
            {
                messageLength = ByteAt(data, fragments, 1) << 16 | ByteAt(data, fragments, 2) << 8 | ByteAt(data, fragments, 3);
                if (HandshakeHeader + messageLength > MaxLength) return ClientHelloStatus.TooLarge;
            }
            if (present < length && (messageLength < 0 || available < HandshakeHeader + messageLength)) return ClientHelloStatus.NeedMore;
        }
        var (first, firstLength) = fragments[0].GetOffsetAndLength(data.Length);
        ReadOnlySpan<byte> body;
        if (firstLength >= HandshakeHeader + messageLength)
        {
            body = data.Slice(first + HandshakeHeader, messageLength);
        }
        else
        {
            var joined = new byte[HandshakeHeader + messageLength];
            var at = 0;
            foreach (var fragment in fragments)
            {
                var (start, length) = fragment.GetOffsetAndLength(data.Length);
                var count = Math.Min(length, joined.Length - at);
                data.Slice(start, count).CopyTo(joined.AsSpan(at));
                at += count;
            }
            body = joined.AsSpan(HandshakeHeader);
        }
        hello = ParseBody(body);
        return hello is null ? ClientHelloStatus.NotTls : ClientHelloStatus.Found;
    }

    /// <summary>The byte at <paramref name="index"/> of the handshake stream the record fragments carry.</summary>
    private static byte ByteAt(ReadOnlySpan<byte> data, List<Range> fragments, int index)
    {
        foreach (var fragment in fragments)
        {
            var (start, length) = fragment.GetOffsetAndLength(data.Length);
            if (index < length) return data[start + index];
            index -= length;
        }
        throw new ArgumentOutOfRangeException(nameof(index));
    }

    private static ClientHelloInfo? ParseBody(ReadOnlySpan<byte> body)
    {
        var reader = new TlsReader(body);
        if (!reader.Skip(2 + 32)) return null; // legacy_version, random
        if (!reader.U8Prefixed(out var sessionId) || sessionId.Length > 32) return null;
        if (!reader.U16Prefixed(out var cipherSuites) || cipherSuites.Length < 2 || cipherSuites.Length % 2 != 0) return null;
        if (!reader.U8Prefixed(out var compression) || compression.Length < 1) return null;
        var serverName = "";
        IReadOnlyList<string> protocols = [];
        if (reader.IsEmpty) return new ClientHelloInfo(serverName, protocols);
        if (!reader.U16Prefixed(out var extensionBlock) || !reader.IsEmpty) return null;
        Span<ulong> seen = stackalloc ulong[65536 / 64];
        var extensions = new TlsReader(extensionBlock);
        while (!extensions.IsEmpty)
        {
            if (!extensions.U16(out var type) || !extensions.U16Prefixed(out var contents)) return null;
            if ((seen[type / 64] & (1UL << (type % 64))) != 0) return null;
            seen[type / 64] |= 1UL << (type % 64);
            if (type == ServerNameExtension && !TryServerName(contents, out serverName)) return null;
            if (type == AlpnExtension) protocols = Alpn(contents);
        }
        return new ClientHelloInfo(serverName, protocols);
    }

    /// <summary>BoringSSL's reading: exactly one entry, of type host_name.</summary>
    private static bool TryServerName(ReadOnlySpan<byte> contents, out string name)
    {
        name = "";
        var reader = new TlsReader(contents);
        if (!reader.U16Prefixed(out var list) || !reader.IsEmpty) return false;
        var entries = new TlsReader(list);
        if (!entries.U8(out var nameType) || !entries.U16Prefixed(out var hostName) || !entries.IsEmpty) return false;
        if (nameType != 0 || hostName.Length is 0 or > MaxHostName || hostName.Contains((byte)0)) return false;
        name = Encoding.Latin1.GetString(hostName);
        return true;
    }

    /// <summary>The protocol names, or none when the list is malformed (Envoy leaves that error to the TLS handshake).</summary>
    private static IReadOnlyList<string> Alpn(ReadOnlySpan<byte> contents)
    {
        var reader = new TlsReader(contents);
        if (!reader.U16Prefixed(out var list) || !reader.IsEmpty || list.Length < 2) return [];
        var names = new List<string>();
        var entries = new TlsReader(list);
        while (!entries.IsEmpty)
        {
            if (!entries.U8Prefixed(out var name) || name.Length == 0) return [];
            names.Add(Encoding.Latin1.GetString(name));
        }
        return names;
    }

    /// <summary>Reads TLS's big-endian, length-prefixed fields; every read fails rather than run past the end.</summary>
    private ref struct TlsReader(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _rest = data;

        public readonly bool IsEmpty => _rest.IsEmpty;

        public bool Skip(int count)
        {
            if (_rest.Length < count) return false;
            _rest = _rest[count..];
            return true;
        }

        public bool U8(out byte value)
        {
            value = 0;
            if (_rest.IsEmpty) return false;
            value = _rest[0];
            _rest = _rest[1..];
            return true;
        }

        public bool U16(out ushort value)
        {
            value = 0;
            if (_rest.Length < 2) return false;
            value = BinaryPrimitives.ReadUInt16BigEndian(_rest);
            _rest = _rest[2..];
            return true;
        }

        public bool U8Prefixed(out ReadOnlySpan<byte> value)
        {
            value = default;
            return U8(out var length) && Take(length, out value);
        }

        public bool U16Prefixed(out ReadOnlySpan<byte> value)
        {
            value = default;
            return U16(out var length) && Take(length, out value);
        }

        private bool Take(int length, out ReadOnlySpan<byte> value)
        {
            value = default;
            if (_rest.Length < length) return false;
            value = _rest[..length];
            _rest = _rest[length..];
            return true;
        }
    }
}
