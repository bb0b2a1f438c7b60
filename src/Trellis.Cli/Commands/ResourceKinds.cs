namespace Trellis.Cli.Commands;

/// <summary>kubectl-style resource names and short names for `trellis get`.</summary>
internal static class ResourceKinds
{
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["pods"] = "Pod", ["pod"] = "Pod", ["po"] = "Pod",
        ["services"] = "Service", ["service"] = "Service", ["svc"] = "Service",
        ["deployments"] = "Deployment", ["deployment"] = "Deployment", ["deploy"] = "Deployment",
        ["namespaces"] = "Namespace", ["namespace"] = "Namespace", ["ns"] = "Namespace",
        ["serviceaccounts"] = "ServiceAccount", ["serviceaccount"] = "ServiceAccount", ["sa"] = "ServiceAccount",
        ["virtualservices"] = "VirtualService", ["virtualservice"] = "VirtualService", ["vs"] = "VirtualService",
        ["destinationrules"] = "DestinationRule", ["destinationrule"] = "DestinationRule", ["dr"] = "DestinationRule",
        ["gateways"] = "Gateway", ["gateway"] = "Gateway", ["gw"] = "Gateway",
        ["serviceentries"] = "ServiceEntry", ["serviceentry"] = "ServiceEntry", ["se"] = "ServiceEntry",
        ["sidecars"] = "Sidecar", ["sidecar"] = "Sidecar",
        ["peerauthentications"] = "PeerAuthentication", ["peerauthentication"] = "PeerAuthentication", ["pa"] = "PeerAuthentication",
        ["authorizationpolicies"] = "AuthorizationPolicy", ["authorizationpolicy"] = "AuthorizationPolicy", ["ap"] = "AuthorizationPolicy",
        ["requestauthentications"] = "RequestAuthentication", ["requestauthentication"] = "RequestAuthentication", ["ra"] = "RequestAuthentication",
        ["telemetries"] = "Telemetry", ["telemetry"] = "Telemetry",
        ["ingresses"] = "Ingress", ["ingress"] = "Ingress", ["ing"] = "Ingress",
        ["ingressclasses"] = "IngressClass", ["ingressclass"] = "IngressClass",
        ["trafficsplits"] = "TrafficSplit", ["trafficsplit"] = "TrafficSplit", ["ts"] = "TrafficSplit",
        ["configmaps"] = "ConfigMap", ["configmap"] = "ConfigMap", ["cm"] = "ConfigMap",
    };

    /// <summary>Kinds without a namespace: listed whatever namespace is asked for, as kubectl lists them.</summary>
    private static readonly HashSet<string> ClusterScoped = ["Namespace", "IngressClass"];

    public static string? Resolve(string name) => Aliases.GetValueOrDefault(name);

    public static bool IsClusterScoped(string kind) => ClusterScoped.Contains(kind);

    public static IEnumerable<string> Known => Aliases.Keys.Where(k => k.EndsWith('s'));
}
