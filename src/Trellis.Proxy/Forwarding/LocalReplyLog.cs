using Microsoft.Extensions.Logging;

namespace Trellis.Proxy.Forwarding;

/// <summary>Where the reason of a local reply goes when the reply itself may not carry it (a gateway's
/// clients are outside the mesh): one log line per such request, so operators still see why.</summary>
internal sealed partial class LocalReplyLog(ILogger logger)
{
    public void Completed(RequestContext context)
    {
        if (context.LocalReason is not { } reason || !context.Hcm.SuppressEnvoyHeaders) return;
        var request = context.Http.Request;
        Hidden(logger, context.Http.Response.StatusCode, context.ResponseFlag, request.Method,
            LocalReply.Sanitize(request.Host.Value ?? ""), LocalReply.Sanitize(request.Path.Value ?? ""), reason);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "local reply {Status} {Flag} to {Method} {Authority}{Path}: {Reason}")]
    private static partial void Hidden(ILogger logger, int status, string flag, string method, string authority, string path, string reason);
}
