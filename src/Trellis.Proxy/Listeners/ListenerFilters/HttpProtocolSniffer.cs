namespace Trellis.Proxy.Listeners.ListenerFilters;

/// <summary>Tells an HTTP/2 prior-knowledge preface or an HTTP/1.x request line from other bytes, deciding as soon as
/// the bytes so far can only be one or the other.</summary>
internal static class HttpProtocolSniffer
{
    public const string H2c = "h2c";
    public const string Http11 = "http/1.1";
    public const string Http10 = "http/1.0";

    private static ReadOnlySpan<byte> Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;
    private static ReadOnlySpan<byte> Version => "HTTP/1."u8;

    /// <summary>NeedMore while the bytes could still be either; otherwise Done with the protocol found, or null.</summary>
    public static (PeekVerdict Verdict, string? Protocol) Sniff(ReadOnlySpan<byte> head)
    {
        var prefix = Math.Min(head.Length, Preface.Length);
        if (head[..prefix].SequenceEqual(Preface[..prefix]))
            return head.Length < Preface.Length ? (PeekVerdict.NeedMore, null) : (PeekVerdict.Done, H2c);
        return RequestLine(head);
    }

    /// <summary>method SP request-target SP HTTP/1.x, ended by CR or LF (where Envoy's inspector stops reading).</summary>
    private static (PeekVerdict, string?) RequestLine(ReadOnlySpan<byte> head)
    {
        var method = 0;
        while (method < head.Length && IsToken(head[method])) method++;
        if (method == head.Length) return (PeekVerdict.NeedMore, null);
        if (method == 0 || head[method] != (byte)' ') return (PeekVerdict.Done, null);
        var target = method + 1;
        var end = target;
        while (end < head.Length && head[end] > 0x20 && head[end] != 0x7f) end++;
        if (end == head.Length) return (PeekVerdict.NeedMore, null);
        if (end == target || head[end] != (byte)' ') return (PeekVerdict.Done, null);
        var version = head[(end + 1)..];
        var known = Math.Min(version.Length, Version.Length);
        if (!version[..known].SequenceEqual(Version[..known])) return (PeekVerdict.Done, null);
        if (version.Length <= Version.Length) return (PeekVerdict.NeedMore, null);
        var minor = version[Version.Length];
        if (minor is not ((byte)'0' or (byte)'1')) return (PeekVerdict.Done, null);
        if (version.Length == Version.Length + 1) return (PeekVerdict.NeedMore, null);
        if (version[Version.Length + 1] is not ((byte)'\r' or (byte)'\n')) return (PeekVerdict.Done, null);
        return (PeekVerdict.Done, minor == (byte)'1' ? Http11 : Http10);
    }

    /// <summary>RFC 9110's tchar.</summary>
    private static bool IsToken(byte c) =>
        c is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9'
            or (byte)'!' or (byte)'#' or (byte)'$' or (byte)'%' or (byte)'&' or (byte)'\'' or (byte)'*' or (byte)'+'
            or (byte)'-' or (byte)'.' or (byte)'^' or (byte)'_' or (byte)'`' or (byte)'|' or (byte)'~';
}
