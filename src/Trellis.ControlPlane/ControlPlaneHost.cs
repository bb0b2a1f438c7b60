using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Trellis.ControlPlane.Api;
using Trellis.ControlPlane.Identity;
using Trellis.ControlPlane.Inputs;
using Trellis.ControlPlane.Observability.Dashboard;
using Trellis.ControlPlane.Observability.Scraping;
using Trellis.ControlPlane.Observability.Traffic;
using Trellis.ControlPlane.Push;
using Trellis.ControlPlane.Store;
using Trellis.ControlPlane.Tracing;
using Trellis.Xds.Server;

namespace Trellis.ControlPlane;

/// <summary>trellisd: the config store, the workload source, and the ADS server that compiles both
/// into Envoy v3 resources for every connected proxy.</summary>
public static class ControlPlaneHost
{
    /// <summary>Serves xDS (h2c), the CA (when <see cref="ControlPlaneOptions.Identity"/> is set) and the REST API on
    /// loopback until cancelled. Throws <see cref="IdentityConfigurationException"/> when the CA cannot start.</summary>
    public static async Task RunAsync(ControlPlaneOptions options, CancellationToken ct)
    {
        var credential = new AdminCredential(options.AdminCredential);
        var builder = WebApplication.CreateSlimBuilder();
        // As ASP.NET's own templates do: the host's per-request lines (the supervisor polls every second) are
        // below Warning, so the log says what changed rather than that someone asked.
        builder.Logging.ClearProviders().AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; })
            .AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = ConfigApi.MaxRequestBytes;
            k.ListenLocalhost(options.XdsPort, l => l.Protocols = HttpProtocols.Http2);
            k.ListenLocalhost(options.ApiPort, l => l.Protocols = HttpProtocols.Http1);
        });

        var store = new ConfigStore(options.StoreDirectory);
        builder.Services.AddSingleton<IConfigSource>(store);
        builder.Services.AddSingleton(options.Workloads);
        builder.Services.AddSingleton(options);
        builder.Services.AddTrellisXdsServer();
        if (options.Identity is { } identity) builder.Services.AddTrellisIdentity(identity, store, options.Workloads);
        builder.Services.AddSingleton<Jwks.JwksFetcher>();
        builder.Services.AddSingleton<TraceStore>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new TrafficHistory(TrafficHistory.DefaultRetention));
        builder.Services.AddSingleton(options.Scrape);
        builder.Services.AddHostedService<ProxyScraper>();
        builder.Services.AddSingleton<PushCoordinator>();
        builder.Services.AddSingleton<IXdsNodeObserver>(sp => sp.GetRequiredService<PushCoordinator>());

        await using var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("trellisd");
        foreach (var d in store.LoadPersisted()) logger.LogWarning("stored configuration: {Diagnostic}", d.ToString());

        var startedAt = DateTimeOffset.UtcNow;
        var push = app.Services.GetRequiredService<PushCoordinator>();
        var connections = app.Services.GetRequiredService<XdsConnectionRegistry>();
        credential.Use(app);
        app.MapTrellisXds();
        if (options.Identity is not null) app.MapTrellisIdentity();
        ConfigApi.Map(app, store,
            () => new ControlPlaneStatusDto(store.Version, store.Objects.Count, push.ConnectedProxies, startedAt),
            () => ProxyStatusView.From(connections, push.ProblemsOf),
            () => MonitoringMetrics.Render(connections,
                store.Objects.Count(o => o.Key.Kind == "Service"), store.Objects.Count(o => o.Key.Kind == "VirtualService"), store.Version));

        TraceApi.Map(app, app.Services.GetRequiredService<TraceStore>());
        OtlpTraceReceiver.Map(app, app.Services.GetRequiredService<TraceStore>());
        DashboardApi.Map(app, app.Services.GetRequiredService<TrafficHistory>(), connections, store, TimeProvider.System);
        PrometheusDiscoveryApi.Map(app, options.Workloads, connections, options.ApiPort);

        logger.LogInformation("trellisd serving xDS on 127.0.0.1:{Xds} and the API on 127.0.0.1:{Api} ({Objects} stored objects)",
            options.XdsPort, options.ApiPort, store.Objects.Count);
        await app.StartAsync(ct);
        await app.WaitForShutdownAsync(ct);
    }
}
