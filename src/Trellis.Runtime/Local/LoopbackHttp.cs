namespace Trellis.Runtime;

/// <summary>Plain HTTP GETs to 127.0.0.1 for probes: never through a proxy (the supervisor's own environment
/// may name one), one fresh connection per probe like the kubelet, no redirects followed.</summary>
public static class LoopbackHttp
{
    private static readonly HttpClient Client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        ConnectTimeout = TimeSpan.FromSeconds(5),
    })
    { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>Status 200 exactly (what Envoy's /ready answers once its configuration arrived).</summary>
    public static async Task<bool> IsOkAsync(int port, string path, TimeSpan timeout, CancellationToken ct) =>
        await GetStatusAsync(port, path, timeout, ct) is (200, _);

    /// <summary>The status code, or null and why the request failed.</summary>
    public static async Task<(int? Status, string? Error)> GetStatusAsync(int port, string path, TimeSpan timeout, CancellationToken ct)
    {
        if (!path.StartsWith('/')) path = "/" + path;
        if (!Uri.TryCreate($"http://127.0.0.1:{port}{path}", UriKind.Absolute, out var uri)) return (null, $"invalid probe path {path}");
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timer.CancelAfter(timeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.ConnectionClose = true;
        request.Headers.UserAgent.ParseAdd("trellis-probe/1.0");
        try
        {
            using var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timer.Token);
            return ((int)response.StatusCode, null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, $"GET {path} timed out after {timeout.TotalSeconds:0.#}s");
        }
        catch (HttpRequestException e)
        {
            return (null, $"GET {path}: {e.Message}");
        }
    }
}
