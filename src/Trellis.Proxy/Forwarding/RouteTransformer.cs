using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Trellis.Proxy.Forwarding;

/// <summary>Shapes one upstream attempt: rewritten path and host, Envoy's forwarding headers, and on
/// the way back the route's response headers; withholds a retriable response so it can be retried.</summary>
internal sealed class RouteTransformer(string pathAndQuery, string? host, Func<HttpResponseMessage, bool> shouldRetry, Action<HttpContext> onResponse) : HttpTransformer
{
    private readonly long _sent = Stopwatch.GetTimestamp();

    /// <summary>True when the response was withheld because another attempt will be made.</summary>
    public bool RetryRequested { get; private set; }

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        proxyRequest.RequestUri = new Uri(destinationPrefix + pathAndQuery, UriKind.Absolute);
        // Envoy keeps the client's Host unless the route rewrites it; YARP would use the endpoint's address.
        proxyRequest.Headers.Host = host;
        proxyRequest.Headers.Remove("proxy-connection");
        proxyRequest.Headers.Remove("proxy-authorization");
        if (!proxyRequest.Headers.Contains("x-forwarded-proto")) proxyRequest.Headers.TryAddWithoutValidation("x-forwarded-proto", httpContext.Request.Scheme);
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        if (proxyResponse is not null && shouldRetry(proxyResponse))
        {
            RetryRequested = true;
            return false;
        }
        var copyBody = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        var elapsed = (long)Stopwatch.GetElapsedTime(_sent).TotalMilliseconds;
        httpContext.Response.Headers["x-envoy-upstream-service-time"] = elapsed.ToString(CultureInfo.InvariantCulture);
        onResponse(httpContext);
        return copyBody;
    }
}
