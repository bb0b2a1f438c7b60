using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Trellis.ControlPlane.Inputs;
using Trellis.ControlPlane.Mesh;

namespace Trellis.ControlPlane.Api;

/// <summary>Prometheus HTTP service discovery (<c>http_sd_configs</c>): every pod's merged metrics endpoint, labelled
/// with its namespace, pod, app and version, and the control plane's own metrics. Read-only and free of secrets, so it
/// is open on loopback like istiod's monitoring port and this API's /metrics.</summary>
internal static class PrometheusDiscoveryApi
{
    public const string Path = "/api/v1/prometheus/targets";

    /// <summary>Where the control plane lives in Istio's layout, so its series sit beside istiod's.</summary>
    private const string SystemNamespace = "istio-system";

    public static void Map(IEndpointRouteBuilder app, IWorkloadSource workloads, int apiPort) =>
        app.MapGet(Path, () => Results.Json(Targets(workloads.Workloads, apiPort)));

    /// <summary>One target group per scrape target, in Prometheus's http_sd format.</summary>
    public static IReadOnlyList<TargetGroup> Targets(IReadOnlyList<WorkloadModel> workloads, int apiPort)
    {
        var groups = new List<TargetGroup>(workloads.Count + 1)
        {
            new([$"127.0.0.1:{apiPort}"], new Dictionary<string, string>
            {
                ["namespace"] = SystemNamespace, ["pod"] = "trellisd", ["app"] = "trellisd", ["version"] = ControlPlaneVersion,
            }),
        };
        foreach (var w in workloads.Where(w => w.MetricsPort > 0).OrderBy(w => w.Namespace, StringComparer.Ordinal).ThenBy(w => w.PodName, StringComparer.Ordinal))
        {
            groups.Add(new([$"{Host(w.Address)}:{w.MetricsPort}"], new Dictionary<string, string>
            {
                ["namespace"] = w.Namespace, ["pod"] = w.PodName, ["app"] = w.App, ["version"] = w.Version,
                ["__metrics_path__"] = WorkloadModel.MetricsPath,
            }));
        }
        return groups;
    }

    private static string ControlPlaneVersion => typeof(PrometheusDiscoveryApi).Assembly.GetName().Version?.ToString() ?? "unknown";

    private static string Host(string address) => address.Contains(':') ? $"[{address}]" : address;
}

/// <summary>One entry of Prometheus's http_sd response: targets that share labels.</summary>
internal sealed record TargetGroup(IReadOnlyList<string> Targets, IReadOnlyDictionary<string, string> Labels);
