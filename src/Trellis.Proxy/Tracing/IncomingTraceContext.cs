using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Trellis.Proxy.Completion;

namespace Trellis.Proxy.Tracing;

/// <summary>The trace a request arrived in, from W3C <c>traceparent</c> (with <c>tracestate</c>) or Zipkin's B3 (the
/// single <c>b3</c> header or the x-b3-* ones), and the sampling decision it carried, if any. Headers are client input:
/// anything malformed (wrong length, not hexadecimal, all-zero ids, an unknown W3C version 00 layout) is as if absent.</summary>
internal readonly record struct IncomingTraceContext(ActivityTraceId? TraceId, ActivitySpanId? SpanId, bool? Sampled, string? TraceState)
{
    public bool HasParent => TraceId is not null && SpanId is not null;

    public static IncomingTraceContext From(IHeaderDictionary headers)
    {
        var traceParent = headers[TraceHeaders.TraceParentHeader];
        if (traceParent.Count == 1 && TryW3C(traceParent[0], out var w3c))
            return w3c with { TraceState = headers[TraceHeaders.TraceStateHeader].Count == 1 ? headers[TraceHeaders.TraceStateHeader][0] : null };
        var single = headers[TraceHeaders.B3Header];
        if (single.Count == 1 && TryB3Single(single[0], out var b3)) return b3;
        return B3Multi(headers);
    }

    /// <summary>version-traceid-parentid-flags: 00-32hex-16hex-2hex; a later version may append fields after a dash.</summary>
    internal static bool TryW3C(string? value, out IncomingTraceContext context)
    {
        context = default;
        if (value is null || value.Length < 55 || value[2] != '-' || value[35] != '-' || value[52] != '-') return false;
        var version = value.AsSpan(0, 2);
        if (!IsHex(version) || version.SequenceEqual("ff") || (version.SequenceEqual("00") && value.Length != 55)) return false;
        if (value.Length > 55 && value[55] != '-') return false;
        if (!TryTraceId(value.AsSpan(3, 32), out var traceId) || !TrySpanId(value.AsSpan(36, 16), out var spanId) || !IsHex(value.AsSpan(53, 2))) return false;
        var flags = Convert.ToByte(value.Substring(53, 2), 16);
        context = new IncomingTraceContext(traceId, spanId, (flags & 1) == 1, null);
        return true;
    }

    /// <summary>{traceid}-{spanid}[-{sampling}[-{parentspanid}]], or only a sampling state (0, 1, d).</summary>
    internal static bool TryB3Single(string? value, out IncomingTraceContext context)
    {
        context = default;
        if (value is null) return false;
        if (value.Length == 1)
        {
            if (!TrySampling(value, out var only)) return false;
            context = new IncomingTraceContext(null, null, only, null);
            return true;
        }
        var parts = value.Split('-');
        if (parts.Length is < 2 or > 4 || !TryTraceId(parts[0], out var traceId) || !TrySpanId(parts[1], out var spanId)) return false;
        bool? sampled = null;
        if (parts.Length > 2)
        {
            if (!TrySampling(parts[2], out var decided)) return false;
            sampled = decided;
        }
        context = new IncomingTraceContext(traceId, spanId, sampled, null);
        return true;
    }

    private static IncomingTraceContext B3Multi(IHeaderDictionary headers)
    {
        bool? sampled = headers[TraceHeaders.B3SampledHeader] is { Count: 1 } s && TrySampling(s[0], out var decided) ? decided
            : headers["x-b3-flags"] is { Count: 1 } f && f[0] == "1" ? true : null;
        if (headers[TraceHeaders.B3TraceIdHeader] is { Count: 1 } t && headers[TraceHeaders.B3SpanIdHeader] is { Count: 1 } sp
            && TryTraceId(t[0], out var traceId) && TrySpanId(sp[0], out var spanId))
            return new IncomingTraceContext(traceId, spanId, sampled, null);
        return new IncomingTraceContext(null, null, sampled, null);
    }

    private static bool TrySampling(string? value, out bool? sampled)
    {
        sampled = value switch { "1" or "d" or "true" => true, "0" or "false" => false, _ => null };
        return sampled is not null;
    }

    /// <summary>32 hex digits, or 16 (a 64-bit B3 id, left-padded with zeros as Zipkin does); never all zero.</summary>
    private static bool TryTraceId(ReadOnlySpan<char> hex, out ActivityTraceId id)
    {
        id = default;
        if (hex.Length is not (16 or 32) || !IsHex(hex) || IsZero(hex)) return false;
        Span<char> lower = stackalloc char[32];
        lower.Fill('0');
        hex.ToLowerInvariant(lower[(32 - hex.Length)..]);
        id = ActivityTraceId.CreateFromString(lower);
        return true;
    }

    private static bool TrySpanId(ReadOnlySpan<char> hex, out ActivitySpanId id)
    {
        id = default;
        if (hex.Length != 16 || !IsHex(hex) || IsZero(hex)) return false;
        Span<char> lower = stackalloc char[16];
        hex.ToLowerInvariant(lower);
        id = ActivitySpanId.CreateFromString(lower);
        return true;
    }

    private static bool IsHex(ReadOnlySpan<char> text) => text.Length > 0 && !text.ContainsAnyExcept("0123456789abcdefABCDEF");

    private static bool IsZero(ReadOnlySpan<char> text) => !text.ContainsAnyExcept('0');
}
