using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Trellis.ControlPlane.Store;

namespace Trellis.ControlPlane.Api;

/// <summary>The control plane's REST surface used by the CLI (apply, delete, get, status) and its monitoring metrics.
/// Apply, delete and reading stored objects (which may hold Secrets) need the admin credential; status,
/// proxy status, health and metrics stay open on loopback.</summary>
internal static class ConfigApi
{
    /// <summary>Manifests are small; anything larger is a mistake or an attack.</summary>
    public const long MaxRequestBytes = 16 * 1024 * 1024;

    public static void Map(IEndpointRouteBuilder app, ConfigStore store, Func<ControlPlaneStatusDto> status, Func<IReadOnlyList<ProxyStatusDto>> proxies,
        Func<string> metrics)
    {
        var admin = app.MapGroup("").WithMetadata(new AdminCredential.Required());
        admin.MapPost("/api/v1/apply", (ApplyRequest request) => Answer(store.Apply(request)));
        admin.MapPost("/api/v1/delete", (ApplyRequest request) => Answer(store.Delete(request)));
        admin.MapGet("/api/v1/resources", (string? kind, string? @namespace) =>
            store.Objects.Values
                .Where(o => kind is null || string.Equals(o.Resource.Kind, kind, StringComparison.OrdinalIgnoreCase))
                .Where(o => @namespace is null || o.Key.Namespace == @namespace)
                .OrderBy(o => o.Key.Kind, StringComparer.Ordinal)
                .ThenBy(o => o.Key.Namespace, StringComparer.Ordinal)
                .ThenBy(o => o.Key.Name, StringComparer.Ordinal)
                .Select(o => new ResourceDto(o.Resource.ApiVersion, o.Key.Kind, o.Key.Namespace, o.Key.Name, o.Applied,
                    o.Origin, o.Yaml))
                .ToList());
        app.MapGet("/api/v1/status", () => status());
        app.MapGet("/api/v1/proxies", () => proxies());
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/metrics", () => Results.Text(metrics(), "text/plain; version=0.0.4"));
    }

    private static IResult Answer(ApplyResponse response) =>
        response.Accepted ? Results.Ok(response) : Results.UnprocessableEntity(response);
}
