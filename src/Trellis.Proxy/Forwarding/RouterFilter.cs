using Microsoft.AspNetCore.Http;
using Trellis.Proxy.HttpFilters;
using Trellis.Proxy.Routing;

namespace Trellis.Proxy.Forwarding;

/// <summary>Envoy's router filter: forwards to the route's cluster, redirects or answers directly; answers 404 when
/// the connection manager found no virtual host or route.</summary>
internal sealed class RouterFilter(UpstreamForwarder forwarder) : IHttpFilter
{
    public async Task InvokeAsync(RequestContext context, HttpFilterDelegate next)
    {
        var request = context.Http.Request;
        var table = context.Routes!;
        var vhost = context.VirtualHost;
        if (vhost is null)
        {
            await LocalReply.WriteAsync(context, 404, ResponseFlags.NoRoute, "",
                $"route configuration {table.Name} has no virtual host for authority \"{(request.Host.HasValue ? request.Host.Value : "")}\"");
            return;
        }
        var route = context.Route;
        if (route is null)
        {
            await LocalReply.WriteAsync(context, 404, ResponseFlags.NoRoute, "",
                $"no route of virtual host {vhost.Name} (route configuration {table.Name}) matched {request.Method} {request.Path}");
            return;
        }
        switch (route.Action)
        {
            case ForwardAction forward:
                await forwarder.ForwardAsync(context, forward);
                break;
            case RedirectActionModel redirect:
                ApplyResponseHeaders(context);
                context.ResponseFlag = ResponseFlags.None;
                context.Http.Response.StatusCode = redirect.Status;
                context.Http.Response.Headers.Location = Redirects.Location(request, redirect, route.Match.Path);
                break;
            case DirectResponseModel direct:
                ApplyResponseHeaders(context);
                context.ResponseFlag = ResponseFlags.DirectResponse;
                context.Http.Response.StatusCode = direct.Status;
                if (direct.Body.Length > 0)
                {
                    context.Http.Response.ContentType ??= "text/plain";
                    context.Http.Response.ContentLength = direct.Body.Length;
                    await context.Http.Response.Body.WriteAsync(direct.Body, context.Http.RequestAborted);
                }
                break;
        }
    }

    /// <summary>Route, then virtual host, then route configuration, as Envoy applies them by default.</summary>
    internal static void ApplyResponseHeaders(RequestContext context, ClusterChoice? choice = null)
    {
        var headers = context.Http.Response.Headers;
        choice?.ResponseHeaders.Apply(headers);
        context.Route?.ResponseHeaders.Apply(headers);
        context.VirtualHost?.ResponseHeaders.Apply(headers);
        context.Routes?.ResponseHeaders.Apply(headers);
    }

    internal static void ApplyRequestHeaders(RequestContext context, ClusterChoice choice)
    {
        var headers = context.Http.Request.Headers;
        choice.RequestHeaders.Apply(headers);
        context.Route?.RequestHeaders.Apply(headers);
        context.VirtualHost?.RequestHeaders.Apply(headers);
        context.Routes?.RequestHeaders.Apply(headers);
    }
}
