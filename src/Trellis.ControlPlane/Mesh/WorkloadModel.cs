namespace Trellis.ControlPlane.Mesh;

/// <summary>A running pod: its identity, labels and where its sidecar accepts inbound traffic. What a workload
/// source (<see cref="Inputs.IWorkloadSource"/>) reports and translation reads.</summary>
/// <param name="HasSidecar">Whether the pod runs a sidecar, so that clients originate Istio mutual TLS to it.</param>
public sealed record WorkloadModel(
    string PodName,
    string Namespace,
    string WorkloadName,
    IReadOnlyDictionary<string, string> Labels,
    string ServiceAccount,
    string Address,
    int InboundPort,
    bool Ready,
    bool HasSidecar = true)
{
    public string App => Labels.TryGetValue("app", out var app) ? app : WorkloadName;

    public string Version => Labels.TryGetValue("version", out var v) ? v : "latest";

    public bool HasLabels(IReadOnlyDictionary<string, string> selector) =>
        selector.All(kv => Labels.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
