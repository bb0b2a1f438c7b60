using Trellis.Config;
using Trellis.Config.Loading;
using Trellis.Config.Model;
using Trellis.Config.Model.Mesh;
using Trellis.Config.Semantics;
using Trellis.Config.Semantics.Ingress;
using Trellis.Config.Semantics.Smi;

namespace Trellis.ControlPlane.Mesh;

/// <summary>An immutable view of the whole mesh at one moment: services, pods and Istio config.
/// Every proxy's xDS snapshot is computed from one of these.</summary>
internal sealed class MeshModel
{
    /// <param name="resources">The applied resources in creation order, oldest first. Kubernetes Ingresses become Gateways
    /// and VirtualServices, SMI TrafficSplits VirtualServices, and VirtualService delegation is merged, here, once, so every translator sees them as istiod's
    /// push context does.</param>
    public MeshModel(IReadOnlyList<Resource> resources, IReadOnlyList<WorkloadModel> workloads, long version, ReservedPorts? reserved = null)
    {
        Settings = MeshConfigReader.Settings(resources);
        Resources = VirtualServiceDelegation.Merge(TrafficSplits.Convert(KubernetesIngresses.Convert(resources, Settings)), Settings.ExportToDefaults);
        Workloads = workloads;
        Version = version;
        Reserved = reserved ?? ReservedPorts.None;
        Services = Resources.Where(r => r.Kind == "Service").Select(r => ServiceFactory.From(r, Settings.ExportToDefaults)).ToList();
        ServicesByFqdn = Services.ToDictionary(s => s.Fqdn, StringComparer.OrdinalIgnoreCase);
        DestinationRules = new DestinationRuleIndex(Resources, Settings);
        PeerAuthentications = new PeerAuthenticationIndex(Resources, Settings.RootNamespace);
        Sidecars = new SidecarIndex(Resources, Settings.RootNamespace);
    }

    public long Version { get; }
    public IReadOnlyList<Resource> Resources { get; }
    public IReadOnlyList<WorkloadModel> Workloads { get; }
    public IReadOnlyList<ServiceModel> Services { get; }
    public IReadOnlyDictionary<string, ServiceModel> ServicesByFqdn { get; }
    public DestinationRuleIndex DestinationRules { get; }

    /// <summary>Which PeerAuthentication decides each workload's inbound mutual TLS.</summary>
    public PeerAuthenticationIndex PeerAuthentications { get; }

    /// <summary>Which Sidecar scopes each workload's outbound configuration.</summary>
    public SidecarIndex Sidecars { get; }

    /// <summary>The JWKS the control plane fetched for RequestAuthentication rules (none: their tokens are refused).</summary>
    public Jwks.IJwksLookup Jwks { get; init; } = ControlPlane.Jwks.NoJwksLookup.Instance;

    /// <summary>Where the control plane receives OTLP/HTTP spans (its /v1/traces); null when it runs without one.</summary>
    public string? TraceReceiver { get; init; }

    /// <summary>The mesh config in effect (ConfigMap istio-system/istio, or Trellis's defaults).</summary>
    public MeshSettings Settings { get; }

    /// <summary>Loopback ports the mesh itself runs on that passthrough must never lead to.</summary>
    public ReservedPorts Reserved { get; }

    public IEnumerable<Resource> OfKind(string kind) => Resources.Where(r => r.Kind == kind);

    public ServiceModel? FindService(string host, string ns) =>
        HostName.Candidates(host, ns).Select(ServicesByFqdn.GetValueOrDefault).FirstOrDefault(s => s is not null);

    public IEnumerable<WorkloadModel> Endpoints(ServiceModel service) =>
        Workloads.Where(w => w.Ready && w.Namespace == service.Namespace && service.Selects(w.Labels));
}
