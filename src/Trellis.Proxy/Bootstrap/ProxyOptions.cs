namespace Trellis.Proxy;

/// <summary>How to start a Trellis proxy: its xDS identity, control plane, admin port and workload metadata.</summary>
/// <param name="NodeId">Istio-style node id, e.g. "sidecar~127.0.0.1~pod.ns~ns.svc.cluster.local" or "router~...".</param>
/// <param name="XdsServer">The ADS server (http:// for h2c).</param>
/// <param name="AdminPort">Loopback port of the admin endpoint (/ready, /config_dump, /stats/prometheus).</param>
/// <param name="Namespace">The workload's namespace.</param>
/// <param name="PodName">The pod's name.</param>
/// <param name="WorkloadName">The owning workload (Deployment) name.</param>
/// <param name="ServiceAccount">The pod's service account.</param>
/// <param name="Labels">The pod's labels.</param>
/// <param name="ExtraMetadata">Further node metadata sent as strings (TRELLIS_INBOUND_PORT, ...).</param>
/// <param name="AdminToken">The pod's own admin token, needed by the mutating admin endpoints (/quitquitquit);
/// without one they are disabled.</param>
/// <param name="TokenFile">The pod token (0600, refreshed in place by whoever started the proxy): with it the proxy
/// proves its identity to the xDS server and obtains its workload certificate; without it neither happens.</param>
/// <param name="CaServer">Where the CA (Istio's IstioCertificateService) listens; the xDS server when null.</param>
/// <param name="CertificateTtl">The workload certificate lifetime to ask for (Istio's SECRET_TTL).</param>
/// <param name="AppMetrics">The app's own Prometheus endpoint, merged into /stats/prometheus (from the pod's
/// prometheus.io/* annotations, as Istio's agent merges them); none when the pod does not ask for it.</param>
public sealed record ProxyOptions(
    string NodeId,
    Uri XdsServer,
    int AdminPort,
    string Namespace,
    string PodName,
    string WorkloadName,
    string ServiceAccount,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> ExtraMetadata,
    string? AdminToken = null,
    string? TokenFile = null,
    Uri? CaServer = null,
    TimeSpan? CertificateTtl = null,
    Uri? AppMetrics = null);
