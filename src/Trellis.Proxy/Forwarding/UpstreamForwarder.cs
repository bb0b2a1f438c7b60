using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Trellis.Proxy.Clusters;
using Trellis.Proxy.Routing;
using Trellis.Proxy.Bootstrap;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Outbound;
using Trellis.Proxy.Outbound.Concrete;
using Trellis.Proxy.Outbound.Logical;
using Trellis.Proxy.Telemetry;
using Yarp.ReverseProxy.Forwarder;

namespace Trellis.Proxy.Forwarding;

/// <summary>The forwarding half of the router: the outbound pipeline (logical backend, the cluster's admission and
/// endpoint pick, the endpoint's pooled connection), then YARP's forwarder, with the route's timeout and retry
/// policy and Envoy's local replies when it cannot get an answer.</summary>
internal sealed class UpstreamForwarder(IHttpForwarder forwarder, OwnIdentity own)
{
    // Envoy's default stream idle timeout; the route timeout bounds the whole exchange separately.
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(5);

    public async Task ForwardAsync(RequestContext context, ForwardAction action)
    {
        var http = context.Http;
        var route = context.Route!;
        var backend = LogicalBackend.Resolve(context, action);
        if (backend.Cluster is not { } cluster)
        {
            await RefuseAsync(context, backend.Refusal!);
            return;
        }
        var choice = backend.Choice;
        RouterFilter.ApplyRequestHeaders(context, choice);
        PeerMetadata.Stamp(context, own);
        var path = Redirects.Rewrite(http.Request.Path.Value ?? "/", route.Match.Path, action.PrefixRewrite, action.RegexRewrite) + http.Request.QueryString.Value;
        var host = choice.HostRewrite ?? action.HostRewrite ?? (http.Request.Host.HasValue ? http.Request.Host.Value : null);
        var retry = CanReplay(http.Request) ? action.Retry : null;
        var attempts = 1 + (retry?.NumRetries ?? 0);
        // Without a route timeout nothing cancels the exchange but the client, so no token source is needed.
        using var overall = action.Timeout is { } t && t <= Timers.Longest ? new CancellationTokenSource(t) : null;
        // One version of the cluster for the whole exchange, so every attempt uses the same settings and pool.
        var version = cluster.Current;
        var config = RequestConfig(version.Config.Model.Protocol, http.Request.Protocol);
        if (action.Mirrors.Length > 0) await RequestMirror.StartAsync(context, action.Mirrors, path, host, action.Timeout);

        if (ClusterAdmission.AdmitRequest(context, cluster) is { } overflow)
        {
            await RefuseAsync(context, overflow);
            return;
        }
        var breaker = cluster.Breaker;
        var hash = backend.Hash(context);
        // From its second attempt on, a request holds one of the cluster's max_retries slots until it ends.
        var holdingRetry = false;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var last = attempt == attempts;
                if (attempt == 2)
                {
                    breaker.EnterRetry();
                    holdingRetry = true;
                }
                var named = cluster.IsOriginalDestination ? EndpointPicker.OriginalDestination(http.Request) : null;
                if (EndpointPicker.Pick(context, cluster, hash, named, out var unhealthy) is not { } endpoint)
                {
                    await RefuseAsync(context, unhealthy!);
                    return;
                }
                context.Endpoint = endpoint;
                if (endpoint.InternalListener is { } internalListener)
                {
                    await LocalReply.WriteAsync(context, 503, ResponseFlags.UpstreamConnectionFailure, "upstream connect error or disconnect/reset before headers. reset reason: connection failure",
                        $"route {route.DisplayName}: cluster {cluster.Model.Name} leads to internal listener \"{internalListener}\", which only takes CONNECT tunnels");
                    return;
                }
                using var perTry = retry?.PerTryTimeout is { } pt && pt <= Timers.Longest ? CancellationTokenSource.CreateLinkedTokenSource(overall?.Token ?? CancellationToken.None) : null;
                perTry?.CancelAfter(retry!.PerTryTimeout!.Value);
                var token = perTry?.Token ?? overall?.Token ?? CancellationToken.None;
                var transformer = new RouteTransformer(context, choice, path, host, last || !breaker.CanRetry(holdingRetry) ? null : retry);

                var error = await forwarder.SendAsync(http, endpoint.HttpPrefix, version.Invoker, config, transformer, token);
                var timedOut = token.IsCancellationRequested || error == ForwarderError.RequestTimedOut;
                var downstreamFlag = DownstreamFailure.FlagFor(http, error, timedOut);
                ReportToOutlierDetection(cluster, endpoint, error, downstreamFlag, transformer.UpstreamStatus);
                if (downstreamFlag is not null)
                {
                    await EndForDownstreamAsync(context, downstreamFlag, $"route {route.DisplayName}: cluster {cluster.Model.Name}");
                    return;
                }
                if (transformer.RetryRequested)
                {
                    ResetForRetry(http);
                    continue;
                }
                if (error == ForwarderError.None) return;
                if (http.Response.HasStarted)
                {
                    context.ResponseFlag = ResponseFlags.UpstreamRemoteReset;
                    return;
                }
                var perTryTimedOut = timedOut && overall?.IsCancellationRequested != true;
                var connectFailure = error == ForwarderError.Request && !timedOut;
                var retriable = retry is not null && !last && breaker.CanRetry(holdingRetry) && (perTryTimedOut ? retry.On5xx || retry.OnGatewayError : connectFailure && retry.RetriesConnectFailure);
                if (retriable)
                {
                    ResetForRetry(http);
                    continue;
                }
                if (timedOut)
                {
                    await LocalReply.WriteAsync(context, 504, ResponseFlags.UpstreamRequestTimeout, "upstream request timeout",
                        $"route {route.DisplayName}: {endpoint.Authority} of cluster {cluster.Model.Name} did not answer within the {(perTryTimedOut ? "per-try " : "")}timeout after {attempt} attempt(s)");
                    return;
                }
                var flag = !connectFailure ? ResponseFlags.UpstreamConnectionTermination
                    : attempt > 1 ? ResponseFlags.UpstreamConnectionFailure + "," + ResponseFlags.UpstreamRetryLimitExceeded
                    : ResponseFlags.UpstreamConnectionFailure;
                var detail = http.Features.Get<IForwarderErrorFeature>()?.Exception?.GetBaseException().Message ?? error.ToString();
                if (connectFailure) context.UpstreamTransportFailureReason = detail;
                await LocalReply.WriteAsync(context, 503, flag,
                    connectFailure
                        ? "upstream connect error or disconnect/reset before headers. reset reason: connection failure"
                        : "upstream connect error or disconnect/reset before headers. reset reason: connection termination",
                    $"route {route.DisplayName}: cluster {cluster.Model.Name} endpoint {endpoint.Authority} failed after {attempt} attempt(s): {detail}");
                return;
            }
        }
        finally
        {
            if (holdingRetry) breaker.ExitRetry();
            breaker.Exit();
        }
    }

    /// <summary>Only what the host did counts against it: its status when it answered, a failure when it broke off or
    /// never answered. A client's malformed or abandoned request says nothing about the host.</summary>
    private static void ReportToOutlierDetection(ClusterState cluster, EndpointModel endpoint, ForwarderError error, string? downstreamFlag, int? upstreamStatus)
    {
        if (downstreamFlag is null) cluster.Report(endpoint, error == ForwarderError.None ? upstreamStatus : null);
        else if (upstreamStatus is { } answered) cluster.Report(endpoint, answered);
    }

    private static Task RefuseAsync(RequestContext context, OutboundRefusal refusal) =>
        LocalReply.WriteAsync(context, refusal.Status, refusal.Flag, refusal.Body, refusal.Reason, refusal.Overloaded ? ("x-envoy-overloaded", "true") : null);

    /// <summary>A malformed request is answered 400 and its connection closed, as Envoy answers a codec error; a client
    /// that went away gets a reset and is counted with response code 0, as Envoy counts it.</summary>
    private static async Task EndForDownstreamAsync(RequestContext context, string flag, string where)
    {
        var http = context.Http;
        if (flag == ResponseFlags.DownstreamProtocolError && !http.Response.HasStarted)
        {
            var detail = http.Features.Get<IForwarderErrorFeature>()?.Exception?.GetBaseException().Message ?? "malformed request";
            await LocalReply.WriteAsync(context, 400, flag, "Bad Request", $"{where}: the client's request is malformed: {detail}", ("connection", "close"));
            return;
        }
        context.ResponseFlag = flag;
        var started = http.Response.HasStarted;
        http.Abort();
        if (!started) http.Response.StatusCode = 0;
    }

    /// <summary>Retries resend the request, so only requests without a body (or with none left to read) qualify.</summary>
    private static bool CanReplay(HttpRequest request) =>
        request.ContentLength == 0
        || (request.ContentLength is null && request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == false);

    private static void ResetForRetry(HttpContext http)
    {
        http.Features.Set<IForwarderErrorFeature>(null);
        http.Response.Clear();
    }

    private static readonly ForwarderRequestConfig Http11 = new() { ActivityTimeout = IdleTimeout, Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
    private static readonly ForwarderRequestConfig Http2 = new() { ActivityTimeout = IdleTimeout, Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };

    /// <summary>The HTTP version a request to a cluster of this protocol goes upstream with.</summary>
    internal static ForwarderRequestConfig RequestConfig(UpstreamProtocol protocol, string downstreamProtocol) => protocol switch
    {
        UpstreamProtocol.Http2 => Http2,
        UpstreamProtocol.Downstream when HttpProtocol.IsHttp2(downstreamProtocol) => Http2,
        _ => Http11,
    };
}
