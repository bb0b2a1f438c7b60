using Trellis.Config.Model.Apps;
using Trellis.Config.Model.Core;
using Trellis.Config.Model.Networking;
using Trellis.Config.Model.Security;
using Trellis.Config.Model.Telemetry;

namespace Trellis.Config.Loading;

/// <summary>Every kind Trellis accepts (DESIGN.md §3 plus common Kubernetes kinds); those with a typed spec are enforced,
/// the rest are accepted and reported as not yet enforced.</summary>
internal static class KindRegistry
{
    private static readonly string[] IstioNetworking = ["v1", "v1beta1", "v1alpha3"];
    private static readonly string[] IstioSecurity = ["v1", "v1beta1"];
    private static readonly string[] GatewayApi = ["v1", "v1beta1", "v1alpha2"];
    private static readonly string[] Smi = ["v1alpha1", "v1alpha2", "v1alpha3", "v1alpha4"];

    public static IReadOnlyList<KindInfo> All { get; } =
    [
        new("", ["v1"], "Namespace", typeof(NamespaceSpec), ClusterScoped: true),
        new("", ["v1"], "ServiceAccount", typeof(ServiceAccountSpec), TopLevel: true),
        new("", ["v1"], "Service", typeof(ServiceSpec)),
        new("", ["v1"], "Secret", typeof(SecretSpec), TopLevel: true),
        new("", ["v1"], "ConfigMap", typeof(ConfigMapSpec), TopLevel: true),
        new("", ["v1"], "Pod", null),
        new("", ["v1"], "List", null),
        new("apps", ["v1"], "Deployment", typeof(DeploymentSpec)),
        new("apps", ["v1"], "StatefulSet", null),
        new("apps", ["v1"], "DaemonSet", null),
        new("autoscaling", ["v2", "v1"], "HorizontalPodAutoscaler", null),
        new("policy", ["v1"], "PodDisruptionBudget", null),
        new("rbac.authorization.k8s.io", ["v1"], "Role", null),
        new("rbac.authorization.k8s.io", ["v1"], "RoleBinding", null),
        new("rbac.authorization.k8s.io", ["v1"], "ClusterRole", null, ClusterScoped: true),
        new("rbac.authorization.k8s.io", ["v1"], "ClusterRoleBinding", null, ClusterScoped: true),
        new("networking.k8s.io", ["v1"], "NetworkPolicy", null),
        new("networking.k8s.io", ["v1"], "Ingress", typeof(IngressSpec)),
        new("networking.k8s.io", ["v1"], "IngressClass", typeof(IngressClassSpec), ClusterScoped: true),
        new("networking.istio.io", IstioNetworking, "VirtualService", typeof(VirtualServiceSpec)),
        new("networking.istio.io", IstioNetworking, "DestinationRule", typeof(DestinationRuleSpec)),
        new("networking.istio.io", IstioNetworking, "Gateway", typeof(GatewaySpec)),
        new("networking.istio.io", IstioNetworking, "ServiceEntry", typeof(ServiceEntrySpec)),
        new("networking.istio.io", IstioNetworking, "Sidecar", typeof(SidecarSpec)),
        new("networking.istio.io", IstioNetworking, "WorkloadEntry", null),
        new("networking.istio.io", IstioNetworking, "WorkloadGroup", null),
        new("networking.istio.io", ["v1alpha3"], "EnvoyFilter", null),
        new("networking.istio.io", ["v1beta1"], "ProxyConfig", null),
        new("security.istio.io", IstioSecurity, "PeerAuthentication", typeof(PeerAuthenticationSpec)),
        new("security.istio.io", IstioSecurity, "AuthorizationPolicy", typeof(AuthorizationPolicySpec)),
        new("security.istio.io", IstioSecurity, "RequestAuthentication", typeof(RequestAuthenticationSpec)),
        new("telemetry.istio.io", ["v1", "v1alpha1"], "Telemetry", typeof(TelemetrySpec)),
        new("install.istio.io", ["v1alpha1"], "IstioOperator", null, DefaultName: "installed-state"),
        new("gateway.networking.k8s.io", GatewayApi, "GatewayClass", null, ClusterScoped: true),
        new("gateway.networking.k8s.io", GatewayApi, "Gateway", null),
        new("gateway.networking.k8s.io", GatewayApi, "HTTPRoute", null),
        new("gateway.networking.k8s.io", GatewayApi, "GRPCRoute", null),
        new("gateway.networking.k8s.io", GatewayApi, "ReferenceGrant", null),
        new("gateway.networking.k8s.io", ["v1alpha2"], "TCPRoute", null),
        new("gateway.networking.k8s.io", ["v1alpha2"], "TLSRoute", null),
        new("linkerd.io", ["v1alpha2"], "ServiceProfile", null),
        new("split.smi-spec.io", Smi, "TrafficSplit", typeof(Model.Smi.TrafficSplitSpec)),
        new("policy.linkerd.io", ["v1alpha1"], "HTTPLocalRateLimitPolicy", null),
        new("policy.linkerd.io", ["v1beta1", "v1beta2", "v1beta3", "v1alpha1"], "Server", null),
        new("policy.linkerd.io", ["v1beta1", "v1alpha1"], "ServerAuthorization", null),
        new("policy.linkerd.io", ["v1alpha1"], "AuthorizationPolicy", null),
        new("policy.linkerd.io", ["v1alpha1"], "MeshTLSAuthentication", null),
        new("policy.linkerd.io", ["v1alpha1"], "NetworkAuthentication", null),
        new("policy.linkerd.io", ["v1beta1", "v1beta2", "v1beta3"], "HTTPRoute", null),
        new("flagger.app", ["v1beta1"], "Canary", null),
        new("flagger.app", ["v1beta1"], "MetricTemplate", null),
        new("flagger.app", ["v1beta1"], "AlertProvider", null),
        new("cilium.io", ["v2"], "CiliumNetworkPolicy", null),
        new("cilium.io", ["v2"], "CiliumClusterwideNetworkPolicy", null, ClusterScoped: true),
        new("cilium.io", ["v2", "v2alpha1"], "CiliumEnvoyConfig", null),
        new("monitoring.coreos.com", ["v1"], "ServiceMonitor", null),
        new("monitoring.coreos.com", ["v1"], "PodMonitor", null),
    ];

    /// <summary>The kind under exactly this apiVersion, or null.</summary>
    public static KindInfo? Find(string apiVersion, string kind) =>
        All.FirstOrDefault(k => k.Kind == kind && k.ApiVersions.Contains(apiVersion, StringComparer.Ordinal));

    /// <summary>Every registration of a kind name, whatever its group.</summary>
    public static IReadOnlyList<KindInfo> Named(string kind) => All.Where(k => k.Kind == kind).ToList();

    public static IEnumerable<string> KindNames => All.Select(k => k.Kind).Distinct();
}
