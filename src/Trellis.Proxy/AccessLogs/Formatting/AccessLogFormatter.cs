using System.Buffers;
using Trellis.Proxy.Completion;

namespace Trellis.Proxy.AccessLogs.Formatting;

/// <summary>Turns a completion record into one access-log line (with its line end), as a format string or a JSON format says.</summary>
internal abstract class AccessLogFormatter
{
    /// <summary>Writes the line as UTF-8.</summary>
    public abstract void Write(in CompletionRecord record, IBufferWriter<byte> output);
}
