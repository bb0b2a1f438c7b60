using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Trellis.Proxy.Clusters;
using Trellis.Proxy.Routing;

namespace Trellis.Proxy.Forwarding;

/// <summary>Envoy's request mirroring (shadowing): a copy of the request, as it goes upstream, is sent to each mirror
/// cluster whose fraction it draws, with "-shadow" appended to its host; the copy's answer is discarded and nothing
/// about it reaches the client or the main request. A copy is dropped, never waited for, when the mirror cluster is
/// unknown, full (its circuit breaker) or has no healthy endpoint, or when the body is too large to copy.</summary>
internal static class RequestMirror
{
    // Envoy copies a body within the connection buffer limit (1 MiB by default); a larger one is not shadowed.
    private const long MaxCopiedBody = 1 << 20;

    private static readonly HashSet<string> NotCopied = new(StringComparer.OrdinalIgnoreCase)
    {
        "host", "connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade",
        "content-length", "content-type", "content-encoding", "content-language", "content-location", "content-md5",
        "content-range", "content-disposition", "expires", "last-modified",
    };

    /// <summary>Starts the copies this request draws; returns once the body (if any) is buffered for the main request.</summary>
    /// <param name="pathAndQuery">The path and query as they go upstream (after the route's rewrites).</param>
    /// <param name="host">The authority as it goes upstream.</param>
    public static async ValueTask StartAsync(RequestContext context, MirrorPolicy[] mirrors, string pathAndQuery, string? host, TimeSpan? timeout)
    {
        List<ClusterState>? targets = null;
        foreach (var mirror in mirrors)
            if (mirror.Draw() && context.Snapshot.Clusters.TryGetValue(mirror.Cluster, out var cluster)) (targets ??= []).Add(cluster);
        if (targets is null) return;
        var request = context.Http.Request;
        byte[]? body = null;
        if (HasBody(request))
        {
            if (request.ContentLength is not (> 0 and <= MaxCopiedBody)) return;
            request.EnableBuffering(bufferThreshold: (int)MaxCopiedBody, bufferLimit: MaxCopiedBody);
            body = new byte[request.ContentLength.Value];
            await request.Body.ReadExactlyAsync(body, context.Http.RequestAborted);
            request.Body.Position = 0;
        }
        var shadowHost = Shadow(host ?? "");
        foreach (var cluster in targets) _ = SendAsync(context.Http, cluster, pathAndQuery, shadowHost, body, timeout);
    }

    /// <summary>Envoy appends "-shadow" to the host name, before any port: <c>reviews:9080</c> → <c>reviews-shadow:9080</c>.</summary>
    internal static string Shadow(string host)
    {
        // An IPv6 literal keeps its colons inside brackets; any other host has at most the one before the port.
        var portAt = host.StartsWith('[') ? host.IndexOf("]:", StringComparison.Ordinal) + 1 : host.IndexOf(':');
        return portAt > 0 ? $"{host[..portAt]}-shadow{host[portAt..]}" : host + "-shadow";
    }

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength is > 0
        || (request.ContentLength is null && request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true);

    private static async Task SendAsync(HttpContext http, ClusterState cluster, string pathAndQuery, string host, byte[]? body, TimeSpan? timeout)
    {
        if (!cluster.Breaker.TryEnter()) return;
        try
        {
            var endpoint = cluster.IsOriginalDestination ? null : cluster.Pick(http, null);
            if (endpoint is null) return;
            using var message = Copy(http.Request, endpoint.HttpPrefix + pathAndQuery, host, body);
            var config = UpstreamForwarder.RequestConfig(cluster.Current.Config.Model.Protocol, http.Request.Protocol);
            (message.Version, message.VersionPolicy) = (config.Version!, config.VersionPolicy!.Value);
            using var deadline = new CancellationTokenSource(timeout is { } t && t > TimeSpan.Zero && t <= Configuration.Timers.Longest ? t : DefaultTimeout);
            using var response = await cluster.Current.Invoker.SendAsync(message, deadline.Token);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            // A shadow's failure is nobody's business: the main request already has its own answer.
        }
        finally
        {
            cluster.Breaker.Exit();
        }
    }

    // Envoy gives a shadow the route's timeout; a route without one still must not leave copies hanging forever.
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    private static HttpRequestMessage Copy(HttpRequest request, string uri, string host, byte[]? body)
    {
        var message = new HttpRequestMessage(new HttpMethod(request.Method), uri);
        message.Headers.Host = host;
        if (body is not null) message.Content = new ByteArrayContent(body);
        foreach (var (name, values) in request.Headers)
        {
            if (NotCopied.Contains(name) || name.StartsWith(':')) continue;
            message.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }
        if (message.Content is { } content)
            foreach (var name in (ReadOnlySpan<string>)["content-type", "content-encoding", "content-language"])
                if (request.Headers.TryGetValue(name, out StringValues values)) content.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        return message;
    }
}
