using Trellis.Proxy.Forwarding;

namespace Trellis.Proxy.HttpFilters;

/// <summary>The rest of the HTTP filter chain after the current filter.</summary>
internal delegate Task HttpFilterDelegate(RequestContext context);

/// <summary>One HTTP filter of an HCM chain (RBAC, fault, JWT, rate limit, ... and the router, which is last).
/// A filter either answers the request itself or calls <c>next</c>.</summary>
internal interface IHttpFilter
{
    Task InvokeAsync(RequestContext context, HttpFilterDelegate next);
}
