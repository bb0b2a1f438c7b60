using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Trellis.Config;
using Trellis.ControlPlane.Inputs;
using Trellis.ControlPlane.Observability.Graph;
using Trellis.ControlPlane.Observability.Stats;
using Trellis.ControlPlane.Observability.Traffic;
using Trellis.ControlPlane.Translation;
using Trellis.Xds.Server;

namespace Trellis.ControlPlane.Observability.Dashboard;

/// <summary>The dashboard's page and the read-only views behind it and `trellis top`: the service graph, RED stats,
/// their history, failures with reasons, and the analyzer's findings. Open on loopback like status and metrics (no
/// Secret is among them), and only to requests addressed to loopback.</summary>
internal static class DashboardApi
{
    private const int DefaultWindowSeconds = 60;

    public static void Map(IEndpointRouteBuilder app, TrafficHistory history, XdsConnectionRegistry connections, IConfigSource store, TimeProvider time)
    {
        var views = app.MapGroup("").AddEndpointFilter(async (context, next) =>
            LoopbackHostGuard.Allows(context.HttpContext.Request) ? await next(context)
            : Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: "the dashboard answers only requests addressed to 127.0.0.1 or localhost"));

        views.MapGet("/dashboard/", () => DashboardAssets.Serve("index.html"));
        views.MapGet("/dashboard/{file}", (string file) => DashboardAssets.Serve(file));

        views.MapGet("/api/v1/graph", (int? window) =>
        {
            var now = time.GetUtcNow();
            return ServiceGraphBuilder.Build(history.Window(Window(window, history), now), Connected(connections), now);
        });
        views.MapGet("/api/v1/stats", (int? window) =>
        {
            var now = time.GetUtcNow();
            return RedStats.Of(history.Window(Window(window, history), now), now);
        });
        views.MapGet("/api/v1/stats/history", (string? service, string? workload, int? window) =>
        {
            var rounds = history.Since(window is null ? history.Retention : Window(window, history), time.GetUtcNow());
            if (service is not null && workload is null && ObjectName.TryParse(service, out var s))
                return Results.Ok(RedStats.History(rounds, e => e.Service.Namespace == s.Namespace && e.Service.Name == s.Name));
            if (workload is not null && service is null && ObjectName.TryParse(workload, out var w))
                return Results.Ok(RedStats.History(rounds, e => e.Destination.Namespace == w.Namespace && e.Destination.Workload == w.Name));
            return Results.BadRequest(new { error = "give one of service or workload, as NAMESPACE/NAME: service=bookinfo/reviews or workload=bookinfo/reviews-v1" });
        });
        views.MapGet("/api/v1/failures", (int? window, string? source, string? service) =>
        {
            if (!ObjectName.TryParseOptional(source, out var from) || !ObjectName.TryParseOptional(service, out var to))
                return Results.BadRequest(new { error = "source (a workload) and service are NAMESPACE/NAME, for example bookinfo/reviews-v1" });
            return Results.Ok(RedStats.Failures(history.Window(Window(window, history), time.GetUtcNow()), from, to));
        });
        views.MapGet("/api/v1/analysis", () => MeshAnalyzer.Analyze(store.Resources)
            .Select(d => new AnalysisFindingDto(d.Severity.ToString(), d.Code, d.Message, d.ObjectRef, d.FieldPath, d.File, d.Line))
            .ToList());
    }

    /// <summary>A window asked for in seconds, within what the history keeps.</summary>
    private static TimeSpan Window(int? seconds, TrafficHistory history) =>
        TimeSpan.FromSeconds(Math.Clamp(seconds ?? DefaultWindowSeconds, 1, (int)history.Retention.TotalSeconds));

    private static IEnumerable<WorkloadName> Connected(XdsConnectionRegistry connections) => connections.Snapshot()
        .Select(n => ProxyNode.From(n.Node.Id, n.Node.Metadata, n.Node.Labels))
        .Where(n => n.Kind is ProxyKind.Sidecar or ProxyKind.Router)
        .Select(n => new WorkloadName(n.Namespace, n.Metadata.GetValueOrDefault("WORKLOAD_NAME") ?? n.PodName,
            n.Labels.GetValueOrDefault("app") ?? "unknown", n.Labels.GetValueOrDefault("version") ?? "unknown"));
}
