using Envoy.Config.Cluster.V3;
using Trellis.Config.Model.Networking;
using Trellis.Config.Semantics;
using Trellis.ControlPlane.Mesh;

namespace Trellis.ControlPlane.Translation;

/// <summary>The DestinationRule that applies to a proxy's traffic to a service: the rules for the service's host
/// merged as Istio merges them, looked up in the same index the analyzer uses.</summary>
internal static class DestinationRules
{
    public static DestinationRuleView? For(MeshModel mesh, ServiceModel service, DestinationRuleClient client) =>
        mesh.DestinationRules.For(service.Fqdn, service.Namespace, client) is { } rule ? new DestinationRuleView(rule.Spec) : null;

    public static DestinationRuleClient ClientOf(ProxyNode node) => new(node.Namespace, node.Labels);
}

/// <summary>The parts of a DestinationRule the translators need.</summary>
internal sealed class DestinationRuleView(DestinationRuleSpec spec)
{
    public IReadOnlyList<SubsetView> Subsets { get; } = (spec.Subsets ?? [])
        .Where(s => !string.IsNullOrEmpty(s.Name))
        .Select(s => new SubsetView(s.Name!, s.Labels ?? new Dictionary<string, string>()))
        .ToList();

    /// <summary>The load balancer settings for one cluster, merged as Istio merges traffic policies: a
    /// subset's loadBalancer replaces the rule's, and a portLevelSettings entry for the port replaces
    /// either, even when it leaves loadBalancer out (port-level settings do not inherit).</summary>
    public LoadBalancerSettings? LoadBalancer(string? subset, int port) =>
        Merged(subset, port, p => p.LoadBalancer, p => p.LoadBalancer);

    /// <summary>The connection pool for one cluster, merged like <see cref="LoadBalancer"/>: a subset's
    /// connectionPool replaces the rule's whole, and a portLevelSettings entry for the port replaces
    /// either, even when it leaves connectionPool out.</summary>
    public ConnectionPoolSettings? ConnectionPool(string? subset, int port) =>
        Merged(subset, port, p => p.ConnectionPool, p => p.ConnectionPool);

    /// <summary>The outlier detection for one cluster, merged like <see cref="LoadBalancer"/>: a subset's
    /// outlierDetection replaces the rule's whole, and a portLevelSettings entry for the port replaces
    /// either, even when it leaves outlierDetection out.</summary>
    public Trellis.Config.Model.Networking.OutlierDetection? OutlierDetection(string? subset, int port) =>
        Merged(subset, port, p => p.OutlierDetection, p => p.OutlierDetection);

    /// <summary>The client TLS settings for one cluster, merged like <see cref="LoadBalancer"/>: a subset's tls
    /// replaces the rule's, and a portLevelSettings entry for the port replaces either, even when it leaves tls out.</summary>
    public ClientTlsSettings? Tls(string? subset, int port) => Merged(subset, port, p => p.Tls, p => p.Tls);

    /// <summary>The rule's own tcp settings, without subsets or port levels: all Istio reads for a TCP service's
    /// connections (tcp_proxy's idle timeout and maximum connection duration).</summary>
    public TcpSettings? TcpProxySettings => spec.TrafficPolicy?.ConnectionPool?.Tcp;

    // Istio's MergeTrafficPolicy for one part of the policy: the rule's value (or its port-level
    // entry's), then the subset's when it sets one, then the subset's port-level entry's.
    private T? Merged<T>(string? subset, int port, Func<TrafficPolicy, T?> part, Func<PortTrafficPolicy, T?> portPart) where T : class
    {
        var value = ForPort(spec.TrafficPolicy, port, portPart, spec.TrafficPolicy is { } policy ? part(policy) : null);
        var subsetPolicy = subset is null ? null : spec.Subsets?.FirstOrDefault(s => s.Name == subset)?.TrafficPolicy;
        if (subsetPolicy is null) return value;
        return ForPort(subsetPolicy, port, portPart, part(subsetPolicy) ?? value);
    }

    private static T? ForPort<T>(TrafficPolicy? policy, int port, Func<PortTrafficPolicy, T?> portPart, T? otherwise) where T : class =>
        policy?.PortLevelSettings?.FirstOrDefault(p => p.Port?.Number == port) is { } level ? portPart(level) : otherwise;
}

/// <summary>A named subset and the pod labels it selects.</summary>
internal sealed record SubsetView(string Name, IReadOnlyDictionary<string, string> Labels);
