using System.Text.Json;

namespace Trellis.Samples.Bookinfo.Http;

/// <summary>Calls another Bookinfo service by URL with a plain <see cref="HttpClient"/>. Proxy settings come only from
/// the standard environment variables (HTTP_PROXY, http_proxy, NO_PROXY), so inside a mesh the sidecar carries the
/// call and the app never knows.</summary>
public sealed class BackendClient(HttpClient http)
{
    /// <summary>Largest backend body accepted; Bookinfo's answers are a few hundred bytes.</summary>
    public const int MaxResponseBytes = 1 << 20;

    /// <summary>A client with pooled connections that are recycled, so new endpoints are picked up.
    /// <paramref name="useProxy"/> is false only where a caller must bypass the environment's proxy (tests).</summary>
    public static BackendClient CreateDefault(bool useProxy = true) => new(new HttpClient(new SocketsHttpHandler
    {
        UseProxy = useProxy,
        PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        UseCookies = false,
        AllowAutoRedirect = false,
        // Trace context is only ever forwarded from the incoming request, as Istio's apps do; .NET would
        // otherwise start traces of its own and the mesh would see spans no caller asked for.
        ActivityHeadersPropagator = null,
    })
    {
        MaxResponseContentBufferSize = MaxResponseBytes,
        Timeout = Timeout.InfiniteTimeSpan,
    });

    /// <summary>GETs <paramref name="url"/> with the propagated headers, giving up after <paramref name="timeout"/>.
    /// Never throws for backend failures: they come back as a <see cref="BackendReply"/> with a reason.</summary>
    public async Task<BackendReply> GetJsonAsync(Uri url, HeaderPropagation headers, TimeSpan timeout, CancellationToken cancel)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(timeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        headers.ApplyTo(request);
        request.Headers.Accept.ParseAdd("application/json");
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, deadline.Token);
            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsByteArrayAsync(deadline.Token);
            try
            {
                using var document = JsonDocument.Parse(body);
                return new BackendReply(status, document.RootElement.Clone(), status == 200 ? null : $"{url} answered {status}");
            }
            catch (JsonException)
            {
                return new BackendReply(status == 200 ? 502 : status, null, $"{url} answered {status} without a JSON body");
            }
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            return new BackendReply(0, null, $"{url} did not answer within {timeout.TotalSeconds:0.#}s");
        }
        catch (HttpRequestException e)
        {
            return new BackendReply(0, null, $"{url} failed: {e.Message}");
        }
    }
}
