using System.Text;
using Microsoft.AspNetCore.Http;

namespace Trellis.Proxy.Forwarding;

/// <summary>Replies the proxy generates itself. Bodies match Envoy's; the x-trellis-reason header says
/// in plain words which listener, route and cluster were involved and why the request stopped here.
/// A connection manager whose router suppresses Envoy's headers (a gateway facing outside clients) keeps
/// those details off the reply; the reason stays on the request for its log line.</summary>
internal static class LocalReply
{
    public const string ReasonHeader = "x-trellis-reason";

    /// <param name="withholdReason">The reason must not reach the client (which authorization policy denied it):
    /// it goes only to the request's log line and access log.</param>
    public static Task WriteAsync(RequestContext context, int status, string flag, string body, string reason, (string Name, string Value)? header = null,
        bool withholdReason = false)
    {
        context.ResponseFlag = flag;
        context.LocalReason = Sanitize($"listener {context.Listener.Name}: {reason}");
        context.LocalReasonWithheld = withholdReason;
        var response = context.Http.Response;
        if (response.HasStarted)
        {
            context.Http.Abort();
            return Task.CompletedTask;
        }
        response.Clear();
        response.StatusCode = status;
        var hide = context.Hcm.SuppressEnvoyHeaders;
        if (!hide && !withholdReason) response.Headers[ReasonHeader] = context.LocalReason;
        if (header is { } extra && !(hide && IsEnvoyHeader(extra.Name))) response.Headers[extra.Name] = extra.Value;
        if (body.Length == 0) return Task.CompletedTask;
        response.ContentType = "text/plain";
        var bytes = Encoding.UTF8.GetBytes(body);
        response.ContentLength = bytes.Length;
        return response.Body.WriteAsync(bytes, 0, bytes.Length, context.Http.RequestAborted);
    }

    /// <summary>The headers Envoy's suppress_envoy_headers keeps off replies.</summary>
    public static bool IsEnvoyHeader(string name) => name.StartsWith("x-envoy-", StringComparison.OrdinalIgnoreCase);

    /// <summary>Header values must be printable ASCII; reasons can quote request data.</summary>
    internal static string Sanitize(string reason)
    {
        var builder = new StringBuilder(Math.Min(reason.Length, 1024));
        foreach (var c in reason)
        {
            if (builder.Length >= 1024) break;
            builder.Append(c is >= ' ' and <= '~' ? c : '?');
        }
        return builder.ToString();
    }
}
