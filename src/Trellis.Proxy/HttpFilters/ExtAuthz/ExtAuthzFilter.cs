using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Trellis.Proxy.Forwarding;

namespace Trellis.Proxy.HttpFilters.ExtAuthz;

/// <summary>Envoy's ext_authz filter with an HTTP service: asks the authorization server about each request (same
/// method, path_prefix + the request's path, the allowed headers, no body) on the server_uri cluster. A 200 lets the
/// request go on, with the allowed headers of that answer added upstream; any other answer is passed to the client
/// (status, body, allowed headers). No answer in time, or none at all, is answered with status_on_error unless
/// failure_mode_allow. Nothing reaches the app before the server has said yes.</summary>
internal sealed class ExtAuthzFilter(ExtAuthzPolicy policy, int slot) : IHttpFilter
{
    private const string FailureModeAllowedHeader = "x-envoy-auth-failure-mode-allowed";

    /// <summary>Always part of the check, as Envoy adds them to allowed_headers.</summary>
    private static readonly string[] AlwaysSent = ["authorization", "content-length"];

    /// <summary>Sent to the client with a denial even when allowed_client_headers does not name them.</summary>
    private static readonly string[] AlwaysToClient = ["www-authenticate", "location"];

    private static readonly HashSet<string> NotForwardable = new(StringComparer.OrdinalIgnoreCase)
    {
        "host", "connection", "keep-alive", "transfer-encoding", "upgrade", "te", "trailer", "proxy-connection", "content-length",
    };

    public Task InvokeAsync(RequestContext context, HttpFilterDelegate next)
    {
        if (context.Route?.FilterConfigs.ConfigOf(slot) is ExtAuthzRouteSetting { Checks: false }) return next(context);
        return CheckAsync(context, next);
    }

    private async Task CheckAsync(RequestContext context, HttpFilterDelegate next)
    {
        HttpResponseMessage? answer;
        string? error;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.Http.RequestAborted))
        {
            timeout.CancelAfter(policy.Timeout);
            (answer, error) = await AskAsync(context, timeout.Token);
        }
        using (answer)
        {
            if (answer is null)
            {
                if (context.Http.RequestAborted.IsCancellationRequested)
                {
                    context.ResponseFlag = ResponseFlags.DownstreamConnectionTermination;
                    return;
                }
                if (policy.FailureModeAllow)
                {
                    context.Http.Request.Headers[FailureModeAllowedHeader] = "true";
                    await next(context);
                    return;
                }
                await LocalReply.WriteAsync(context, policy.StatusOnError, ResponseFlags.UnauthorizedExternalService, "",
                    $"ext_authz_error: authorization server of cluster {policy.Cluster}: {error}");
                return;
            }
            if ((int)answer.StatusCode == 200)
            {
                Allow(context, answer);
                await next(context);
                return;
            }
            await DenyAsync(context, answer);
        }
    }

    private async Task<(HttpResponseMessage? Answer, string? Error)> AskAsync(RequestContext context, CancellationToken ct)
    {
        if (!context.Snapshot.Clusters.TryGetValue(policy.Cluster, out var cluster)) return (null, $"cluster {policy.Cluster} is not configured");
        if (cluster.Pick(context.Http, null) is not { } endpoint || endpoint.InternalListener is not null)
            return (null, $"cluster {policy.Cluster} has no healthy endpoint");
        var request = context.Http.Request;
        var check = new HttpRequestMessage(new HttpMethod(request.Method), endpoint.HttpPrefix + policy.PathPrefix + request.Path.Value + request.QueryString.Value)
        {
            Version = cluster.Model.Protocol == Clusters.UpstreamProtocol.Http2 ? System.Net.HttpVersion.Version20 : System.Net.HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent([]),
        };
        // Envoy sends the request's own Host (with its method and path) to the authorization server.
        check.Headers.Host = request.Host.HasValue ? request.Host.Value : null;
        foreach (var (name, values) in request.Headers)
        {
            var lower = name.ToLowerInvariant();
            if (NotForwardable.Contains(lower) || !(Array.IndexOf(AlwaysSent, lower) >= 0 || ExtAuthzPolicy.AnyMatches(policy.AllowedHeaders, lower))) continue;
            check.Headers.TryAddWithoutValidation(name, values.ToArray());
        }
        foreach (var (name, value) in policy.HeadersToAdd)
        {
            check.Headers.Remove(name);
            check.Headers.TryAddWithoutValidation(name, value);
        }
        try
        {
            var answer = await cluster.Current.Invoker.SendAsync(check, ct);
            // The body (a denial's message to the client) is read within the timeout too.
            await answer.Content.LoadIntoBufferAsync(ct);
            return (answer, null);
        }
        catch (OperationCanceledException)
        {
            return (null, $"no answer within {policy.Timeout.TotalMilliseconds:0} ms");
        }
        catch (HttpRequestException e)
        {
            return (null, e.GetBaseException().Message);
        }
        finally
        {
            check.Dispose();
        }
    }

    private void Allow(RequestContext context, HttpResponseMessage answer)
    {
        var headers = context.Http.Request.Headers;
        var changed = false;
        foreach (var (name, values) in Headers(answer))
        {
            var lower = name.ToLowerInvariant();
            if (NotForwardable.Contains(lower)) continue;
            if (policy.UpstreamHeaders is { } set && ExtAuthzPolicy.AnyMatches(set, lower))
            {
                headers[name] = values;
                changed = true;
            }
            else if (policy.UpstreamHeadersToAppend is { } append && ExtAuthzPolicy.AnyMatches(append, lower))
            {
                headers.Append(name, values);
                changed = true;
            }
            if (policy.ClientHeadersOnSuccess is { } toClient && ExtAuthzPolicy.AnyMatches(toClient, lower))
                context.Http.Response.Headers.Append(name, values);
        }
        // The answer may have changed what the request matches.
        if (changed && policy.ClearRouteCache)
        {
            context.Route = context.VirtualHost?.Match(context.Http.Request);
            Outbound.Logical.LogicalBackend.Preselect(context);
        }
    }

    private async Task DenyAsync(RequestContext context, HttpResponseMessage answer)
    {
        var status = (int)answer.StatusCode;
        // Without a body the local reply leaves the response open, so the server's headers can join it before its body.
        await LocalReply.WriteAsync(context, status, ResponseFlags.UnauthorizedExternalService, "",
            $"ext_authz_denied: authorization server of cluster {policy.Cluster} answered {status}");
        if (context.Http.Response.HasStarted) return;
        var response = context.Http.Response;
        foreach (var (name, values) in Headers(answer))
        {
            var lower = name.ToLowerInvariant();
            if (NotForwardable.Contains(lower) || lower == "content-type") continue;
            // Without allowed_client_headers every header but Host goes to the client, as in Envoy.
            if (policy.ClientHeaders is { } allowed && Array.IndexOf(AlwaysToClient, lower) < 0 && !ExtAuthzPolicy.AnyMatches(allowed, lower)) continue;
            response.Headers[name] = values;
        }
        if (answer.Content.Headers.ContentType is { } type) response.ContentType = type.ToString();
        var body = await answer.Content.ReadAsByteArrayAsync(context.Http.RequestAborted);
        if (body.Length == 0) return;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.Http.RequestAborted);
    }

    private static IEnumerable<(string Name, string[] Values)> Headers(HttpResponseMessage answer)
    {
        foreach (var header in answer.Headers) yield return (header.Key, header.Value.ToArray());
        foreach (var header in answer.Content.Headers)
            if (!header.Key.Equals("content-length", StringComparison.OrdinalIgnoreCase)) yield return (header.Key, header.Value.ToArray());
    }
}
