using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Trellis.Proxy.Outbound.Endpoint;
using Trellis.Proxy.Routing;
using Yarp.ReverseProxy.Forwarder;

namespace Trellis.Proxy.Forwarding;

/// <summary>Shapes one upstream attempt: rewritten path and host, Envoy's forwarding headers, and on
/// the way back the route's response headers. With <paramref name="retry"/> (given unless this is the
/// last attempt) it withholds a response the policy retries, so another attempt can be made.</summary>
internal sealed class RouteTransformer(RequestContext context, ClusterChoice choice, string pathAndQuery, string? host, RetryPolicyModel? retry) : HttpTransformer
{
    private static readonly UriCreationOptions Verbatim = new() { DangerousDisablePathAndQueryCanonicalization = true };

    private readonly long _sent = Stopwatch.GetTimestamp();

    /// <summary>True when the response was withheld because another attempt will be made.</summary>
    public bool RetryRequested { get; private set; }

    /// <summary>The upstream's status, or null when it gave no answer.</summary>
    public int? UpstreamStatus { get; private set; }

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        // The path is already what the connection manager's normalization made it; System.Uri would resolve dot-segments
        // and unescape on its own, so the upstream would see a path that routing and RBAC did not.
        proxyRequest.RequestUri = new Uri(destinationPrefix + pathAndQuery, Verbatim);
        // Envoy keeps the client's Host unless the route rewrites it; YARP would use the endpoint's address.
        proxyRequest.Headers.Host = host;
        proxyRequest.Headers.Remove("proxy-connection");
        proxyRequest.Headers.Remove("proxy-authorization");
        if (context.Endpoint?.TransportSocket is { } matched) proxyRequest.Options.Set(UpstreamHttpClients.EndpointSocket, matched);
        if (!proxyRequest.Headers.Contains("x-forwarded-proto")) proxyRequest.Headers.TryAddWithoutValidation("x-forwarded-proto", httpContext.Request.Scheme);
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        UpstreamStatus = (int?)proxyResponse?.StatusCode;
        if (proxyResponse is not null)
        {
            context.UpstreamResponseTimestamp = Stopwatch.GetTimestamp();
            context.UpstreamServiceTime = Stopwatch.GetElapsedTime(_sent, context.UpstreamResponseTimestamp);
        }
        if (proxyResponse is not null && retry is not null && retry.RetriesStatus((int)proxyResponse.StatusCode, GrpcStatus(proxyResponse)))
        {
            RetryRequested = true;
            return false;
        }
        var copyBody = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        if (!context.Hcm.SuppressEnvoyHeaders)
            httpContext.Response.Headers["x-envoy-upstream-service-time"] = ((long)Stopwatch.GetElapsedTime(_sent).TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        RouterFilter.ApplyResponseHeaders(context, choice);
        if (context.AffinityCookie is { } cookie) httpContext.Response.Headers.Append("set-cookie", cookie);
        return copyBody;
    }

    // NonValidated: reading the header must not parse or allocate for the common answer without it.
    private static int? GrpcStatus(HttpResponseMessage response)
    {
        if (!response.Headers.NonValidated.TryGetValues("grpc-status", out var values)) return null;
        foreach (var value in values) return int.TryParse(value, out var status) ? status : null;
        return null;
    }
}
