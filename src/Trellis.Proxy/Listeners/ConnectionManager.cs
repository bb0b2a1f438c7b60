using Microsoft.AspNetCore.Http;
using Trellis.Proxy.Completion;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Forwarding;
using Trellis.Proxy.HttpFilters;
using Trellis.Proxy.Listeners.FilterChains;
using Trellis.Proxy.Listeners.Paths;
using Trellis.Proxy.Telemetry;
using Trellis.Proxy.Tunnels;

namespace Trellis.Proxy.Listeners;

/// <summary>Envoy's HTTP connection manager: per request, takes the current snapshot, resolves the
/// listener's route table, runs the HTTP filter chain, and hands how the request ended to the completion observers.</summary>
internal sealed class ConnectionManager(SnapshotHolder snapshots, HttpFilterChains filters, CompletionObservers completions, Tracing.RequestTracer tracer)
{
    public const string RequestIdHeader = "x-request-id";

    /// <summary>Where connections find their listener and filter chain.</summary>
    public SnapshotHolder Snapshots => snapshots;

    public async Task HandleAsync(HttpContext http, string listenerName)
    {
        // Requests that arrived through a terminated CONNECT tunnel belong to the listener the tunnel entered.
        if (http.Features.Get<TunnelledListenerFeature>() is { } tunnelled) listenerName = tunnelled.ListenerName;
        var snapshot = snapshots.Current;
        if (!SelectedFilterChain.TryResolve(snapshot, listenerName, http.Features, out var listener, out var chain, out var draining))
        {
            http.Response.StatusCode = 503;
            http.Response.Headers[LocalReply.ReasonHeader] = draining;
            return;
        }
        var context = new RequestContext(http, snapshot, listener, chain);
        completions.RequestStarting(context);
        try
        {
            await RunAsync(context);
        }
        finally
        {
            completions.RequestCompleted(context);
        }
    }

    private Task RunAsync(RequestContext context)
    {
        var http = context.Http;
        var request = http.Request;
        var hcm = context.Hcm;
        if (H2cPriorKnowledge.IsMarked(http)) request.Scheme = "http";
        if (HttpMethods.IsConnect(request.Method))
        {
            http.Response.Headers.Allow = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";
            return LocalReply.WriteAsync(context, 405, ResponseFlags.None, "CONNECT must open its connection\n",
                "CONNECT is taken only as the first request of an HTTP/1.1 connection; open a new connection for the tunnel");
        }
        if (RequestPath.Normalize(context) is { } refused) return refused;
        if (hcm.GenerateRequestId && string.IsNullOrEmpty(request.Headers[RequestIdHeader]))
            request.Headers[RequestIdHeader] = RequestIds.Next();
        if (context.IsInbound) context.Peer = PeerMetadata.TakeFrom(request.Headers);
        hcm.ForwardClientCert.Apply(context);

        context.Routes = hcm.RoutesIn(context.Snapshot);
        if (context.Routes is null)
        {
            return LocalReply.WriteAsync(context, 404, ResponseFlags.NoRoute, "",
                $"route configuration \"{hcm.RdsName}\" has not been received from the control plane");
        }
        // Resolved before the filters, which read the route's per-filter config; the router answers when none matched.
        var authority = request.Host.HasValue ? request.Host.Value : "";
        context.VirtualHost = context.Routes.SelectVirtualHost(authority);
        context.Route = context.VirtualHost?.Match(request);
        Outbound.Logical.LogicalBackend.Preselect(context);
        tracer.Begin(context);
        return filters.Chain(hcm.HttpFilters)(context);
    }
}
