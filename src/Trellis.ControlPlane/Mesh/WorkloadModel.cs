namespace Trellis.ControlPlane.Mesh;

/// <summary>A running pod: its identity, labels and where its sidecar accepts inbound traffic. What a workload
/// source (<see cref="Inputs.IWorkloadSource"/>) reports and translation reads.</summary>
/// <param name="HasSidecar">Whether the pod runs a sidecar, so that clients originate Istio mutual TLS to it.</param>
/// <param name="MetricsPort">Where on <paramref name="Address"/> the pod's merged Prometheus endpoint
/// (<see cref="MetricsPath"/>) answers while its sidecar runs (Istio's 15020; a per-pod port in plain local mode);
/// 0 when there is none to scrape.</param>
public sealed record WorkloadModel(
    string PodName,
    string Namespace,
    string WorkloadName,
    IReadOnlyDictionary<string, string> Labels,
    string ServiceAccount,
    string Address,
    int InboundPort,
    bool Ready,
    bool HasSidecar = true,
    int MetricsPort = 0)
{
    /// <summary>The path of the merged Prometheus endpoint, as Istio's agent serves it.</summary>
    public const string MetricsPath = "/stats/prometheus";

    public string App => Labels.TryGetValue("app", out var app) ? app : WorkloadName;

    public string Version => Labels.TryGetValue("version", out var v) ? v : "latest";

    public bool HasLabels(IReadOnlyDictionary<string, string> selector) =>
        selector.All(kv => Labels.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
