using Trellis.Proxy.Completion;
using Trellis.Proxy.Listeners;

namespace Trellis.Proxy.AccessLogs;

/// <summary>Writes the access logs a request's connection manager configures (its access_log): formats the line on the
/// request's task, as Envoy does, and queues it to the log's sink.</summary>
internal sealed class AccessLogObserver(AccessLogSinks sinks) : ICompletionObserver
{
    public bool WantsDetails(HttpConnectionManagerModel hcm) => hcm.AccessLogs.Count > 0;

    public void OnCompleted(in CompletionRecord record)
    {
        var logs = record.Hcm.AccessLogs;
        for (var i = 0; i < logs.Count; i++)
            if (logs[i].Filter is not { } filter || filter.Matches(record)) sinks.Write(logs[i], logs[i].Formatter.Format(record));
    }
}
