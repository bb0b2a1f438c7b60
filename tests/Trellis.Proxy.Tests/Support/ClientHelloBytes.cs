using System.Text;

namespace Trellis.Proxy.Tests.Support;

/// <summary>Writes TLS ClientHellos byte by byte (RFC 8446 §4.1.2), cut into handshake records of a chosen size.</summary>
internal static class ClientHelloBytes
{
    public static byte[] Build(string? serverName, IReadOnlyList<string> alpn, int recordSize = 16384, IEnumerable<(ushort Type, byte[] Data)>? extra = null)
    {
        var extensions = new List<byte>();
        if (serverName is not null)
        {
            var name = Encoding.Latin1.GetBytes(serverName);
            Extension(extensions, 0, [.. U16(name.Length + 3), 0, .. U16(name.Length), .. name]);
        }
        if (alpn.Count > 0)
        {
            var list = alpn.SelectMany(p => new[] { (byte)p.Length }.Concat(Encoding.Latin1.GetBytes(p))).ToArray();
            Extension(extensions, 16, [.. U16(list.Length), .. list]);
        }
        foreach (var (type, data) in extra ?? []) Extension(extensions, type, data);

        var body = new List<byte> { 3, 3 };
        body.AddRange(new byte[32]);
        body.Add(32);
        body.AddRange(Enumerable.Range(0, 32).Select(i => (byte)i));
        body.AddRange([0, 4, 0x13, 0x01, 0x13, 0x02]);
        body.AddRange([1, 0]);
        body.AddRange(U16(extensions.Count));
        body.AddRange(extensions);

        byte[] handshake = [1, (byte)(body.Count >> 16), (byte)(body.Count >> 8), (byte)body.Count, .. body];
        var records = new List<byte>();
        for (var at = 0; at < handshake.Length; at += recordSize)
        {
            var chunk = handshake.AsSpan(at, Math.Min(recordSize, handshake.Length - at)).ToArray();
            records.AddRange([22, 3, 1, .. U16(chunk.Length), .. chunk]);
        }
        return records.ToArray();
    }

    private static void Extension(List<byte> into, ushort type, byte[] data)
    {
        into.AddRange(U16(type));
        into.AddRange(U16(data.Length));
        into.AddRange(data);
    }

    private static byte[] U16(int value) => [(byte)(value >> 8), (byte)value];
}
