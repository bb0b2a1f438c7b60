using Trellis.Config.Model;
using Trellis.Config.Model.Security;

namespace Trellis.ControlPlane.Translation.RequestAuthn;

/// <summary>Which RequestAuthentications apply to a proxy, as istiod attaches them: those of its namespace and of the
/// root namespace whose selector is empty or matches its labels; a policy with targetRefs applies only to the
/// Gateway API gateway it names (in its own namespace), never to sidecars. All that apply are combined.</summary>
internal static class RequestAuthnPolicies
{
    public const string GatewayNameLabel = "gateway.networking.k8s.io/gateway-name";

    public static IReadOnlyList<(Resource Resource, RequestAuthenticationSpec Spec)> For(IReadOnlyList<Resource> resources, string rootNamespace,
        string ns, IReadOnlyDictionary<string, string> labels)
    {
        var applied = new List<(Resource, RequestAuthenticationSpec)>();
        foreach (var scope in ns == rootNamespace ? [ns] : new[] { ns, rootNamespace })
            foreach (var resource in resources)
                if (resource is { Kind: "RequestAuthentication", Spec: RequestAuthenticationSpec spec } && resource.Metadata.Namespace == scope
                    && Attaches(spec, resource.Metadata.Namespace!, ns, labels))
                    applied.Add((resource, spec));
        return applied;
    }

    private static bool Attaches(RequestAuthenticationSpec spec, string policyNamespace, string ns, IReadOnlyDictionary<string, string> labels)
    {
        var targets = spec.TargetRefs is { Count: > 0 } refs ? refs : spec.TargetRef is { } single ? [single] : [];
        if (!labels.TryGetValue(GatewayNameLabel, out var gatewayName))
            return targets.Count == 0 && Selected(spec, labels);
        // Gateway API gateways take only policies that target them (istiod's default for selector-based policies).
        foreach (var target in targets)
        {
            if (policyNamespace != ns || !(string.IsNullOrEmpty(target.Namespace) || target.Namespace == ns)) continue;
            if (target.Kind == "Gateway" && (target.Group ?? "gateway.networking.k8s.io") == "gateway.networking.k8s.io" && target.Name == gatewayName)
                return true;
        }
        return false;
    }

    private static bool Selected(RequestAuthenticationSpec spec, IReadOnlyDictionary<string, string> labels)
    {
        var selector = spec.Selector?.MatchLabels;
        if (selector is null) return true;
        foreach (var (key, value) in selector)
            if (!labels.TryGetValue(key, out var actual) || actual != value) return false;
        return true;
    }
}
