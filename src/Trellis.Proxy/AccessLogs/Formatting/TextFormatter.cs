using System.Buffers;
using System.Text;
using Trellis.Proxy.Completion;

namespace Trellis.Proxy.AccessLogs.Formatting;

/// <summary>A format string compiled into segments. A value the record lacks prints as "-" (or nothing, with
/// omit_empty_values), as Envoy prints it.</summary>
internal sealed class TextFormatter(FormatSegment[] segments, bool omitEmptyValues) : AccessLogFormatter
{
    /// <summary>Envoy's default access-log format.</summary>
    public const string DefaultFormat =
        "[%START_TIME%] \"%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%\" %RESPONSE_CODE% %RESPONSE_FLAGS% " +
        "%BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% \"%REQ(X-FORWARDED-FOR)%\" " +
        "\"%REQ(USER-AGENT)%\" \"%REQ(X-REQUEST-ID)%\" \"%REQ(:AUTHORITY)%\" \"%UPSTREAM_HOST%\"\n";

    [ThreadStatic]
    private static StringBuilder? _buffer;

    public override void Write(in CompletionRecord record, IBufferWriter<byte> output)
    {
        var text = _buffer ??= new StringBuilder(512);
        text.Clear();
        AppendTo(text, segments, omitEmptyValues, record);
        foreach (var chunk in text.GetChunks()) Encoding.UTF8.GetBytes(chunk.Span, output);
    }

    internal static void AppendTo(StringBuilder output, FormatSegment[] segments, bool omitEmptyValues, in CompletionRecord record)
    {
        foreach (var segment in segments)
        {
            if (segment.Literal is { } literal) output.Append(literal);
            else if (!segment.Operator!.TryAppend(output, record) && !omitEmptyValues) output.Append('-');
        }
    }
}
