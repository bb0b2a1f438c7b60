using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Trellis.ControlPlane.Tracing;

namespace Trellis.ControlPlane.Api;

/// <summary>Recent traces for the CLI and the dashboard: a search (newest first, optionally by service) and one
/// trace's spans. Open on loopback like status and metrics.</summary>
internal static class TraceApi
{
    private const int MaxLimit = 500;

    public static void Map(IEndpointRouteBuilder app, TraceStore store)
    {
        app.MapGet("/api/v1/traces", (string? service, int? limit) =>
            store.Search(string.IsNullOrEmpty(service) ? null : service, Math.Clamp(limit ?? 50, 1, MaxLimit)));
        app.MapGet("/api/v1/traces/{traceId}", (string traceId) =>
            !IsTraceId(traceId) ? Results.BadRequest(new { error = "a trace id is 32 lowercase hexadecimal digits" })
            : store.Get(traceId) is { } spans ? Results.Ok(spans)
            : Results.NotFound(new { error = $"trace {traceId} is not among the recent traces the control plane keeps" }));
    }

    private static bool IsTraceId(string id) => id.Length == 32 && id.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}
