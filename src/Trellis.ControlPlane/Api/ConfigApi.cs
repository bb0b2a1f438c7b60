using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Trellis.ControlPlane.Inputs;

namespace Trellis.ControlPlane.Api;

/// <summary>The control plane's REST surface used by the CLI (apply, delete, get, status) and its monitoring metrics.
/// Apply, delete and reading stored objects (which may hold Secrets) need the admin credential; status,
/// proxy status, health and metrics stay open on loopback.</summary>
internal static class ConfigApi
{
    /// <summary>Kubernetes' API server's limit on a request body; manifests are held to the same (<see cref="Trellis.Config.InputLimits"/>).</summary>
    public const long MaxRequestBytes = Trellis.Config.InputLimits.MaxBytes;

    public static void Map(IEndpointRouteBuilder app, IConfigSource source, Func<ControlPlaneStatusDto> status, Func<IReadOnlyList<ProxyStatusDto>> proxies,
        Func<string> metrics)
    {
        var admin = app.MapGroup("").WithMetadata(new AdminCredential.Required());
        if (source is IWritableConfigSource writable)
        {
            admin.MapPost("/api/v1/apply", (HttpRequest http) => ApplyEndpoint.HandleAsync(http, writable, writable.Apply));
            admin.MapPost("/api/v1/delete", (HttpRequest http) => ApplyEndpoint.HandleAsync(http, writable, writable.Delete));
        }
        admin.MapGet("/api/v1/resources", (string? kind, string? @namespace) =>
            source.Objects.Values
                .Where(o => kind is null || string.Equals(o.Resource.Kind, kind, StringComparison.OrdinalIgnoreCase))
                .Where(o => @namespace is null || o.Key.Namespace == @namespace)
                .OrderBy(o => o.Key.Kind, StringComparer.Ordinal)
                .ThenBy(o => o.Key.Namespace, StringComparer.Ordinal)
                .ThenBy(o => o.Key.Name, StringComparer.Ordinal)
                .Select(o => new ResourceDto(o.Resource.ApiVersion, o.Key.Kind, o.Key.Namespace, o.Key.Name, o.Applied,
                    o.Origin, o.Yaml))
                .ToList());
        app.MapGet("/api/v1/status", () => status() with
        {
            Quarantined = source.Quarantined.Select(q => new QuarantinedDto(q.File, q.Reason)).ToList(),
        });
        app.MapGet("/api/v1/proxies", () => proxies());
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/metrics", () => Results.Text(metrics(), "text/plain; version=0.0.4"));
    }
}
