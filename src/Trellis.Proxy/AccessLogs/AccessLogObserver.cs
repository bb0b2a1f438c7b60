using System.Buffers;
using Trellis.Proxy.Completion;
using Trellis.Proxy.Listeners;

namespace Trellis.Proxy.AccessLogs;

/// <summary>Writes the access logs a request's connection manager configures (its access_log): formats the line on the
/// request's task, as Envoy does, into a buffer the thread keeps, and hands the sink a copy of the bytes.</summary>
internal sealed class AccessLogObserver(AccessLogSinks sinks) : ICompletionObserver
{
    public bool WantsDetails(HttpConnectionManagerModel hcm) => hcm.AccessLogs.Count > 0;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _line;

    public void OnCompleted(in CompletionRecord record)
    {
        var logs = record.Hcm.AccessLogs;
        for (var i = 0; i < logs.Count; i++)
        {
            if (logs[i].Filter is { } filter && !filter.Matches(record)) continue;
            var line = _line ??= new ArrayBufferWriter<byte>(1024);
            line.ResetWrittenCount();
            logs[i].Formatter.Write(record, line);
            sinks.Write(logs[i], line.WrittenSpan);
        }
    }
}
