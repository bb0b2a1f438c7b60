using Envoy.Config.Core.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.ControlPlane.Inputs;
using Trellis.Runtime;

namespace Trellis.Bench.CpScale;

/// <summary>One simulated sidecar's pod: what local mode's runtime would publish in pods.json (so the control plane
/// counts it as a ready endpoint of its service) and the xDS node its sidecar announces, with the same metadata
/// `trellis up` passes a real sidecar. Pod <c>k</c> belongs to service <c>k mod services</c> and runs version
/// <c>v1</c>, <c>v2</c>, <c>v3</c> in turn across the replicas of a service. Nothing listens on its ports: the
/// benchmark measures configuration, not traffic.</summary>
internal sealed record SimulatedPod(int Index, string Name, string Namespace, string App, string Version, int FirstPort)
{
    private const string Address = "127.0.0.1";

    /// <summary>Four synthetic ports per pod (inbound, outbound, app, admin) above this base, far from the ports the
    /// harness and the control plane really listen on.</summary>
    private const int PortBase = 20000;

    public static IReadOnlyList<SimulatedPod> For(int services, int proxies) => Enumerable.Range(0, proxies).Select(k =>
    {
        var service = k % services;
        var app = MeshManifests.ServiceName(service);
        var version = MeshManifests.Versions[k / services % MeshManifests.Versions.Length];
        return new SimulatedPod(k, $"{app}-{k:D5}", MeshManifests.NamespaceOf(service), app, version, PortBase + 4 * k);
    }).ToList();

    public string ServiceAccount => App;
    private int InboundPort => FirstPort;
    private int OutboundPort => FirstPort + 1;
    private int AppPort => FirstPort + 2;
    private int AdminPort => FirstPort + 3;

    public IReadOnlyDictionary<string, string> Labels => new Dictionary<string, string>(StringComparer.Ordinal) { ["app"] = App, ["version"] = Version };

    public PodState State(DateTimeOffset startedAt) => new(
        Name, Namespace, App, Labels, ServiceAccount, Address, AppPort, InboundPort, OutboundPort, AdminPort,
        ContainerPort: MeshManifests.HttpPort,
        ContainerPorts: [new ContainerPortMapping(MeshManifests.HttpPort, AppPort)],
        AppContainer: App, Phase: PodPhase.Running, Ready: true, SidecarReady: true, Restarts: 0, Reason: null,
        // No process ids: there is no process for the control plane's scraper to read metrics from.
        AppPid: null, SidecarPid: null, StartedAt: startedAt, TemplateHash: "cp-scale");

    /// <summary>The node as the proxy's NodeFactory builds it, with the ports local mode's launcher adds.</summary>
    public Node Node()
    {
        var metadata = new Struct();
        metadata.Fields["NAMESPACE"] = Value.ForString(Namespace);
        metadata.Fields["NAME"] = Value.ForString(Name);
        metadata.Fields["WORKLOAD_NAME"] = Value.ForString(App);
        metadata.Fields["SERVICE_ACCOUNT"] = Value.ForString(ServiceAccount);
        var labels = new Struct();
        foreach (var (k, v) in Labels) labels.Fields[k] = Value.ForString(v);
        metadata.Fields["LABELS"] = Value.ForStruct(labels);
        metadata.Fields[NodeMetadataKeys.AdminPort] = Value.ForString(AdminPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        metadata.Fields[NodeMetadataKeys.InboundPort] = Value.ForString(InboundPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        metadata.Fields[NodeMetadataKeys.OutboundPort] = Value.ForString(OutboundPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        metadata.Fields[NodeMetadataKeys.AppPort] = Value.ForString(AppPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        metadata.Fields[NodeMetadataKeys.ContainerPort] = Value.ForString(MeshManifests.HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new Node
        {
            Id = $"sidecar~{Address}~{Name}.{Namespace}~{Namespace}.svc.cluster.local",
            Cluster = $"{App}.{Namespace}",
            Metadata = metadata,
            UserAgentName = "trellis-cp-scale",
            UserAgentVersion = "1",
        };
    }
}
