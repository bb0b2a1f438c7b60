using System.Security.Cryptography;

namespace Trellis.Proxy.Listeners;

/// <summary>Version 4 UUIDs for <c>x-request-id</c>, drawn from the system's secure random source a page at a time
/// per thread, as Envoy buffers its random bytes: <see cref="Guid.NewGuid"/> asks the kernel for every id, a system
/// call on every request a proxy originates.</summary>
internal static class RequestIds
{
    private const int IdBytes = 16;
    private const int BufferBytes = 4096;

    [ThreadStatic] private static byte[]? t_random;
    [ThreadStatic] private static int t_used;

    /// <summary>A new id in the usual 8-4-4-4-12 lowercase hex form.</summary>
    public static string Next()
    {
        if (t_random is null)
        {
            t_random = new byte[BufferBytes];
            t_used = BufferBytes;
        }
        if (t_used == BufferBytes)
        {
            RandomNumberGenerator.Fill(t_random);
            t_used = 0;
        }
        Span<byte> id = stackalloc byte[IdBytes];
        t_random.AsSpan(t_used, IdBytes).CopyTo(id);
        t_used += IdBytes;
        // RFC 9562: version 4 in the high nibble of octet 6, variant 10 in the top bits of octet 8.
        id[6] = (byte)((id[6] & 0x0F) | 0x40);
        id[8] = (byte)((id[8] & 0x3F) | 0x80);
        return new Guid(id, bigEndian: true).ToString();
    }
}
