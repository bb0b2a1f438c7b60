using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Trellis.Proxy.Telemetry;
using Trellis.Proxy.Telemetry.Merging;
using Trellis.Proxy.Tests.Support;

namespace Trellis.Proxy.Tests.Telemetry.Merging;

/// <summary>One scrape of a pod's proxy returns the proxy's metrics and the app's own, as Istio's metrics merging does;
/// an app that fails, hangs or floods costs only its own part.</summary>
public sealed class AppMetricsMergingTests : IAsyncLifetime
{
    private const string NotListening = "/not-listening";

    private Upstream _app = null!;

    public async Task InitializeAsync() => _app = await Upstream.StartAsync("app", app =>
    {
        app.MapGet("/metrics", () => Results.Text("# TYPE bookinfo_ratings_served_total counter\nbookinfo_ratings_served_total 7\n# EOF\n", "application/openmetrics-text"));
        app.MapGet("/custom/path", () => Results.Text("custom_metric 1", "text/plain"));
        app.MapGet("/broken", () => Results.StatusCode(500));
        app.MapGet("/hang", async (HttpContext ctx) => await Task.Delay(TimeSpan.FromSeconds(10), ctx.RequestAborted));
        app.MapGet("/flood", async (HttpContext ctx) =>
        {
            var line = new byte[64 * 1024];
            Array.Fill(line, (byte)'#');
            for (var i = 0; i < 64 && !ctx.RequestAborted.IsCancellationRequested; i++) await ctx.Response.Body.WriteAsync(line, ctx.RequestAborted);
        });
    });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task The_apps_metrics_follow_the_proxys_in_one_scrape()
    {
        await using var proxy = await TestProxy.StartAsync(appMetrics: new Uri($"http://127.0.0.1:{_app.Port}/metrics"));

        var text = await proxy.Admin.GetStringAsync("/stats/prometheus");

        Assert.Contains("# TYPE istio_requests_total counter", text);
        Assert.Contains("\nbookinfo_ratings_served_total 7\n", text);
        Assert.DoesNotContain("# EOF", text); // OpenMetrics' end marker would end the merged text early
        Assert.Contains("istio_agent_scrapes_total 1", text);
        Assert.Contains("istio_agent_scrape_failures_total{type=\"application\"} 0", text);
    }

    [Fact]
    public async Task An_app_answer_without_a_final_newline_does_not_glue_to_what_follows()
    {
        await using var proxy = await TestProxy.StartAsync(appMetrics: new Uri($"http://127.0.0.1:{_app.Port}/custom/path"));

        Assert.EndsWith("\ncustom_metric 1\n", await proxy.Admin.GetStringAsync("/stats/prometheus"));
    }

    [Theory]
    [InlineData("/broken")]
    [InlineData("/hang")]
    [InlineData("/flood")]
    [InlineData(NotListening)]
    public async Task A_failing_slow_or_flooding_app_costs_only_its_part_of_the_scrape(string path)
    {
        await using var proxy = await TestProxy.StartAsync();
        var port = path == NotListening ? Ports.Free() : _app.Port;
        proxy.Runtime.Admin.AppMetrics = new AppMetricsScraper(new Uri($"http://127.0.0.1:{port}{path}"), proxy.Runtime.Metrics,
            timeout: TimeSpan.FromMilliseconds(500), maxBytes: 1024 * 1024);

        var started = DateTime.UtcNow;
        var response = await proxy.Admin.GetAsync("/stats/prometheus");
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.IsSuccessStatusCode);
        Assert.StartsWith(PrometheusText.ContentType.Split(';')[0], response.Content.Headers.ContentType!.ToString());
        Assert.Contains("# TYPE istio_requests_total counter", text);
        Assert.Contains("istio_agent_scrape_failures_total{type=\"application\"} 1", text);
        Assert.DoesNotContain("####", text);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), "the scrape waited for the app beyond its timeout");
    }

    [Fact]
    public async Task Without_a_declared_target_the_endpoint_is_the_proxys_alone()
    {
        await using var proxy = await TestProxy.StartAsync();

        var text = await proxy.Admin.GetStringAsync("/stats/prometheus");

        Assert.Contains("# TYPE istio_requests_total counter", text);
        Assert.DoesNotContain("istio_agent_scrapes_total", text);
    }
}
