using System.Globalization;
using Trellis.Proxy.Forwarding;
using Trellis.Proxy.Routing;

namespace Trellis.Proxy.HttpFilters.Fault;

/// <summary>Envoy's HTTP fault filter: for requests its policy selects, waits the delay and then answers
/// with the abort status instead of forwarding. The route's typed_per_filter_config wins over the virtual
/// host's, which wins over the filter's own config. Delays flag the request DI, aborts FI.</summary>
internal sealed class FaultFilter : IHttpFilter
{
    private const string DelayHeader = "x-envoy-fault-delay-request";
    private const string AbortHeader = "x-envoy-fault-abort-request";
    private const string GrpcAbortHeader = "x-envoy-fault-abort-grpc-request";
    private const string DownstreamNodeHeader = "x-envoy-downstream-service-node";

    public Task InvokeAsync(RequestContext context, HttpFilterDelegate next)
    {
        // Most routes have no fault: hand straight on, without an async frame per request.
        var policy = context.Route?.Fault ?? context.VirtualHost?.Fault ?? context.Hcm.Fault;
        return policy is null ? next(context) : InjectAsync(context, policy, next);
    }

    private static async Task InjectAsync(RequestContext context, FaultPolicy policy, HttpFilterDelegate next)
    {
        var delay = policy.Delay is { } d && FaultPolicy.Hit(d.Share) ? DelayOf(d, context) : null;
        var abort = policy.Abort is { } a && FaultPolicy.Hit(a.Share) ? StatusOf(a, context) : null;
        // Faults past max_active_faults are skipped, as Envoy counts them as overflow.
        if ((delay is null && abort is null) || !Applies(policy, context) || !Enter(policy))
        {
            await next(context);
            return;
        }
        try
        {
            if (delay is { } wait)
            {
                try
                {
                    await Task.Delay(wait, context.Http.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    context.ResponseFlag = ResponseFlags.DelayInjected + "," + ResponseFlags.DownstreamConnectionTermination;
                    return;
                }
            }
            if (abort is { } status)
            {
                await AbortAsync(context, status, delayed: delay is not null);
                return;
            }
            await next(context);
            context.ResponseFlag = context.ResponseFlag == ResponseFlags.None
                ? ResponseFlags.DelayInjected
                : ResponseFlags.DelayInjected + "," + context.ResponseFlag;
        }
        finally
        {
            Interlocked.Decrement(ref policy.Active);
        }
    }

    private static bool Applies(FaultPolicy policy, RequestContext context)
    {
        if (policy.UpstreamCluster is { } cluster
            && (context.Route?.Action is not ForwardAction { Clusters: [{ } only] } || only.Name != cluster)) return false;
        foreach (var header in policy.Headers)
            if (!header.Matches(context.Http.Request)) return false;
        return policy.DownstreamNodes.Count == 0 || policy.DownstreamNodes.Contains(context.Http.Request.Headers[DownstreamNodeHeader].ToString());
    }

    /// <summary>Counts the fault in, unless max_active_faults are already in progress.</summary>
    private static bool Enter(FaultPolicy policy)
    {
        var active = Interlocked.Increment(ref policy.Active);
        if (policy.MaxActiveFaults is not { } max || active <= max) return true;
        Interlocked.Decrement(ref policy.Active);
        return false;
    }

    private static TimeSpan? DelayOf(FaultDelayModel delay, RequestContext context)
    {
        if (delay.Fixed is { } fixedDelay) return fixedDelay;
        return long.TryParse(context.Http.Request.Headers[DelayHeader].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms > 0
            ? TimeSpan.FromMilliseconds(Math.Min(ms, (long)TimeSpan.FromDays(1).TotalMilliseconds))
            : null;
    }

    private static (int? Http, int? Grpc)? StatusOf(FaultAbortModel abort, RequestContext context)
    {
        if (!abort.FromHeaders) return (abort.HttpStatus, abort.GrpcStatus);
        var headers = context.Http.Request.Headers;
        if (int.TryParse(headers[AbortHeader].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var http) && http is >= 200 and < 600)
            return (http, null);
        if (int.TryParse(headers[GrpcAbortHeader].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var grpc))
            return (null, grpc);
        return null;
    }

    private static async Task AbortAsync(RequestContext context, (int? Http, int? Grpc) status, bool delayed)
    {
        var flag = delayed ? ResponseFlags.DelayInjected + "," + ResponseFlags.FaultInjected : ResponseFlags.FaultInjected;
        var reason = $"route {context.Route?.DisplayName ?? "(none)"}: fault injected by {FaultPolicy.FilterName}";
        if (status.Grpc is { } grpc)
        {
            // gRPC clients read the status from a trailers-only answer: HTTP 200 with grpc-status in the headers.
            await LocalReply.WriteAsync(context, 200, flag, "", reason);
            var headers = context.Http.Response.Headers;
            headers.ContentType = "application/grpc";
            headers["grpc-status"] = grpc.ToString(CultureInfo.InvariantCulture);
            headers["grpc-message"] = "fault filter abort";
            return;
        }
        await LocalReply.WriteAsync(context, status.Http!.Value, flag, "fault filter abort", reason);
    }
}
