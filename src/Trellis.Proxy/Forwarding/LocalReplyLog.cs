using Microsoft.Extensions.Logging;
using Trellis.Proxy.Completion;
using Trellis.Proxy.Listeners;

namespace Trellis.Proxy.Forwarding;

/// <summary>Where the reason of a local reply goes when the reply itself may not carry it (a gateway's
/// clients are outside the mesh, or the reason names the authorization policy that denied it): one log line per
/// such request, so operators still see why.</summary>
internal sealed partial class LocalReplyLog(ILogger logger) : ICompletionObserver
{
    public bool WantsDetails(HttpConnectionManagerModel hcm) => false;

    public void OnCompleted(in CompletionRecord record)
    {
        if (record.LocalReason is not { } reason || !(record.Hcm.SuppressEnvoyHeaders || record.LocalReasonWithheld)) return;
        Hidden(logger, record.ResponseCode, record.ResponseFlags, record.Method, LocalReply.Sanitize(record.Authority), LocalReply.Sanitize(record.Path), reason);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "local reply {Status} {Flag} to {Method} {Authority}{Path}: {Reason}")]
    private static partial void Hidden(ILogger logger, int status, string flag, string method, string authority, string path, string reason);
}
