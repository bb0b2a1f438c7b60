using System.Text;

namespace Trellis.Proxy.Telemetry.Merging;

/// <summary>Istio's metrics merging: when the pod declares <c>prometheus.io/scrape: "true"</c>, the proxy's Prometheus
/// endpoint also serves what the app exports at its declared port and path, so one scrape of the pod collects both.
/// The app is asked on every scrape with a short timeout and its answer is capped in size: an app that is down, slow,
/// broken or hostile costs its own part of the scrape (counted in istio_agent_scrape_failures_total), never the proxy's.</summary>
internal sealed class AppMetricsScraper : IDisposable
{
    /// <summary>Beyond this an app's exposition is dropped whole: a partial one would be invalid text.</summary>
    public const int DefaultMaxBytes = 8 * 1024 * 1024;

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(2);

    private static readonly string[] Application = ["application"];

    private readonly HttpClient _http;
    private readonly int _maxBytes;
    private readonly Counter.Series _scrapes;
    private readonly Counter.Series _failures;

    public Uri Target { get; }

    public AppMetricsScraper(Uri target, MetricRegistry registry, TimeSpan? timeout = null, int maxBytes = DefaultMaxBytes)
    {
        Target = target;
        _maxBytes = maxBytes;
        // Never through HTTP_PROXY: the app is on this pod's loopback.
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1) })
        {
            Timeout = timeout ?? DefaultTimeout,
        };
        _scrapes = registry.Add(new Counter("istio_agent_scrapes_total", "Scrapes of the merged Prometheus endpoint.", [])).For([]);
        _failures = registry.Add(new Counter("istio_agent_scrape_failures_total", "Scrapes of the merged endpoint whose part failed, by type.", ["type"])).For(Application);
    }

    /// <summary>The app's exposition, ending with a newline, or null when it could not be had (the failure is counted).</summary>
    public async Task<string?> ScrapeAsync(CancellationToken ct)
    {
        _scrapes.Increment();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, Target);
            request.Headers.Accept.ParseAdd("text/plain");
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            if (!response.IsSuccessStatusCode || response.Content.Headers.ContentLength > _maxBytes) return Failed();
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            var text = await ReadCappedAsync(body, ct);
            return text is null ? Failed() : Normalize(text);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or DecoderFallbackException)
        {
            if (ct.IsCancellationRequested) throw;
            return Failed();
        }
    }

    private string? Failed()
    {
        _failures.Increment();
        return null;
    }

    private async Task<string?> ReadCappedAsync(Stream body, CancellationToken ct)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > _maxBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>An OpenMetrics "# EOF" would end the merged text early, and a missing last newline would glue the app's
    /// last sample to what follows.</summary>
    private static string Normalize(string text)
    {
        var output = new StringBuilder(text.Length + 1);
        foreach (var line in text.Split('\n'))
        {
            var trimmed = line.TrimEnd('\r');
            if (trimmed.Length == 0 || trimmed == "# EOF") continue;
            output.Append(trimmed).Append('\n');
        }
        return output.ToString();
    }

    public void Dispose() => _http.Dispose();
}
