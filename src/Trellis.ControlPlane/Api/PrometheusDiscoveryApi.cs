using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Trellis.ControlPlane.Inputs;
using Trellis.ControlPlane.Mesh;
using Trellis.ControlPlane.Translation;
using Trellis.Xds.Server;

namespace Trellis.ControlPlane.Api;

/// <summary>Prometheus HTTP service discovery (<c>http_sd_configs</c>): every pod's merged metrics endpoint and every
/// connected gateway's, labelled with its namespace, pod, app and version, and the control plane's own metrics.
/// Read-only and free of secrets, so it is open on loopback like istiod's monitoring port and this API's /metrics.</summary>
internal static class PrometheusDiscoveryApi
{
    public const string Path = "/api/v1/prometheus/targets";

    /// <summary>Where the control plane lives in Istio's layout, so its series sit beside istiod's.</summary>
    private const string SystemNamespace = "istio-system";

    public static void Map(IEndpointRouteBuilder app, IWorkloadSource workloads, XdsConnectionRegistry connections, int apiPort) =>
        app.MapGet(Path, () =>
        {
            var connected = connections.Snapshot().Select(n => ProxyNode.From(n.Node.Id, n.Node.Metadata, n.Node.Labels));
            return Results.Json(Targets([.. workloads.Workloads, .. Gateways(connected, workloads.Workloads)], apiPort));
        });

    /// <summary>Gateways are not pods of the workload source (local mode starts the ingress gateway itself), so they are
    /// found among the connected proxies, as pods whose proxy serves the metrics on its loopback admin port.</summary>
    internal static IEnumerable<WorkloadModel> Gateways(IEnumerable<ProxyNode> connected, IReadOnlyList<WorkloadModel> pods) => connected
        .Where(n => n.Kind == ProxyKind.Router && n.Port(ProxyNode.AdminPortKey) is > 0)
        .Where(n => !pods.Any(p => p.Namespace == n.Namespace && p.PodName == n.PodName))
        .DistinctBy(n => (n.Namespace, n.PodName))
        .Select(n => new WorkloadModel(n.PodName, n.Namespace, n.Metadata.GetValueOrDefault("WORKLOAD_NAME") ?? n.PodName, n.Labels,
            n.Metadata.GetValueOrDefault("SERVICE_ACCOUNT") ?? "default", "127.0.0.1", 0, Ready: true, HasSidecar: false,
            MetricsPort: n.Port(ProxyNode.AdminPortKey)!.Value));

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
