namespace Trellis.Proxy.Telemetry;

/// <summary>A workload as telemetry labels describe it (either this proxy's own or a peer's).</summary>
internal sealed record PeerIdentity(string Workload, string Namespace, string App, string Version, string Principal,
    string CanonicalService, string CanonicalRevision, string Cluster)
{
    public static readonly PeerIdentity Unknown = new("unknown", "unknown", "unknown", "unknown", "unknown", "unknown", "latest", "unknown");

    /// <summary>Derives Istio's canonical service/revision and app/version from pod labels.</summary>
    public static PeerIdentity FromLabels(string workload, string ns, string? serviceAccount, IReadOnlyDictionary<string, string> labels)
    {
        string? Label(string key) => labels.TryGetValue(key, out var v) && v.Length > 0 ? v : null;
        var app = Label("app") ?? Label("app.kubernetes.io/name");
        var version = Label("version") ?? Label("app.kubernetes.io/version");
        return new PeerIdentity(workload, ns, app ?? "unknown", version ?? "unknown",
            serviceAccount is { Length: > 0 } sa ? $"spiffe://cluster.local/ns/{ns}/sa/{sa}" : "unknown",
            Label("service.istio.io/canonical-name") ?? app ?? workload,
            Label("service.istio.io/canonical-revision") ?? version ?? "latest",
            "Kubernetes");
    }
}
