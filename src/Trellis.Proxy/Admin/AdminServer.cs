using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Trellis.Proxy.Bootstrap;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Telemetry;

namespace Trellis.Proxy.Admin;

/// <summary>The admin endpoint on loopback, shaped like Envoy's: readiness, config dump, Prometheus
/// stats, cluster membership, server info, memory and a quit switch, which only the pod's admin token opens.</summary>
internal sealed class AdminServer(SnapshotHolder snapshots, Func<bool> isReady, MetricRegistry metrics, string nodeId, Action quit, AdminToken token)
    : IAsyncDisposable
{
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
    private WebApplication? _app;

    /// <summary>The secrets the config dump lists (private keys redacted); none when unset.</summary>
    public Secrets.SecretStore? Secrets { get; init; }

    /// <summary>The proxy's logger levels, listed and changed at /logging; without them /logging answers 404.</summary>
    public LogLevels? LogLevels { get; set; }

    /// <summary>The app whose metrics /stats/prometheus merges into the proxy's (Istio's metrics merging); none when unset.</summary>
    public Telemetry.Merging.AppMetricsScraper? AppMetrics { get; set; }

    /// <summary>The bound port (useful when started on port 0).</summary>
    public int Port { get; private set; }

    public async Task StartAsync(int port, CancellationToken ct)
    {
        var builder = ProxyWebHost.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        // Each handler is a RequestDelegate: no handler is bound by reflection, so the native proxy needs no generated code.
        app.MapGet("/ready", Ready);
        app.MapGet("/healthz/ready", Ready);
        app.MapGet("/config_dump", Answer(_ => Results.Bytes(ConfigDump.Render(snapshots.Current.Resources, Secrets), "application/json")));
        app.MapGet("/stats/prometheus", PrometheusAsync);
        app.MapGet("/clusters", Answer(_ => Results.Text(Clusters(), "text/plain")));
        app.MapGet("/server_info", Answer(_ => Results.Bytes(ServerInfo(), "application/json")));
        app.MapGet("/memory", Answer(_ => Results.Bytes(Memory(), "application/json")));
        app.MapGet("/logging", Answer(_ => LogLevels is { } levels ? Results.Text(levels.Describe(), "text/plain") : Results.NotFound()));
        // Envoy's form: ?level=LEVEL sets every logger, ?NAME=LEVEL sets one.
        app.MapPost("/logging", token.Guard(Answer(context =>
        {
            if (LogLevels is not { } levels) return Results.NotFound();
            foreach (var (key, value) in context.Request.Query)
            {
                if (!levels.Set(key == "level" ? null : key, value.ToString()))
                    return Results.Text($"error: unknown logger or level \"{key}={value}\" (loggers: {string.Join(", ", LogLevels.Loggers.Select(l => l.Name))}; " +
                        $"levels: {string.Join(", ", LogLevels.LevelNames.Keys)})\n", statusCode: StatusCodes.Status400BadRequest);
            }
            return Results.Text(levels.Describe(), "text/plain");
        })));
        app.MapPost("/quitquitquit", token.Guard(Answer(_ =>
        {
            quit();
            return Results.Text("OK\n");
        })));
        await app.StartAsync(ct);
        Port = new Uri(app.Urls.First()).Port;
        _app = app;
    }

    /// <summary>The proxy's metrics, then the app's when the pod asks for merging; the app's part is scraped first so
    /// that a failed one is already counted in the proxy's part.</summary>
    private async Task PrometheusAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        var app = AppMetrics is { } scraper ? await scraper.ScrapeAsync(ct) : null;
        context.Response.ContentType = PrometheusText.ContentType;
        var output = new PrometheusWriter(context.Response.BodyWriter);
        await metrics.WriteToAsync(output, ct);
        if (app is not null) output.Text(app);
        await context.Response.BodyWriter.FlushAsync(ct);
    }

    private Task Ready(HttpContext context) =>
        (isReady() ? Results.Text("LIVE\n") : Results.Text("PRE_INITIALIZING\n", statusCode: 503)).ExecuteAsync(context);

    private static RequestDelegate Answer(Func<HttpContext, IResult> handler) => context => handler(context).ExecuteAsync(context);

    private byte[] ServerInfo()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("version", typeof(AdminServer).Assembly.GetName().Version?.ToString());
            json.WriteString("state", isReady() ? "LIVE" : "PRE_INITIALIZING");
            json.WriteStartObject("node");
            json.WriteString("id", nodeId);
            json.WriteEndObject();
            json.WriteString("uptime_current_epoch", ((long)(DateTimeOffset.UtcNow - _started).TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s");
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Envoy's /memory, its numbers as decimal strings as Envoy's are, from the garbage collector's view: live
    /// objects (allocated), what the heap has committed (heap_size), the free space inside it (pageheap_free), and the
    /// process's resident memory (total_physical_bytes).</summary>
    private static byte[] Memory()
    {
        var gc = GC.GetGCMemoryInfo();
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("allocated", GC.GetTotalMemory(forceFullCollection: false).ToString(CultureInfo.InvariantCulture));
            json.WriteString("heap_size", gc.TotalCommittedBytes.ToString(CultureInfo.InvariantCulture));
            json.WriteString("pageheap_free", gc.FragmentedBytes.ToString(CultureInfo.InvariantCulture));
            json.WriteString("total_physical_bytes", Environment.WorkingSet.ToString(CultureInfo.InvariantCulture));
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private string Clusters()
    {
        var output = new StringBuilder();
        foreach (var (name, cluster) in snapshots.Current.Clusters.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            var current = cluster.Current;
            foreach (var e in current.Config.Endpoints)
            {
                var flags = !e.Healthy ? "/failed_eds_health" : current.Outliers?.IsEjected(e) == true ? "/failed_outlier_check" : "healthy";
                output.Append(name).Append("::").Append(e.Authority).Append("::health_flags::").Append(flags).Append('\n');
                output.Append(name).Append("::").Append(e.Authority).Append("::weight::").Append(e.Weight).Append('\n');
            }
        }
        return output.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        AppMetrics?.Dispose();
        if (_app is null) return;
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
