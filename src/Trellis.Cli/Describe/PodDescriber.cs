using Trellis.Cli.Authorization;
using Trellis.Config;
using Trellis.Config.Loading;
using Trellis.Config.Model;
using Trellis.Config.Model.Core;
using Trellis.Config.Model.Networking;
using Trellis.Config.Semantics;
using Trellis.Runtime;

namespace Trellis.Cli.Describe;

/// <summary>Describes a pod from the mesh's applied configuration, asking the same semantic indexes the control
/// plane translates with (PeerAuthenticationIndex, DestinationRuleIndex), so the answer is what the proxies run; its
/// authorization comes from the pod's proxy itself.</summary>
internal static class PodDescriber
{
    /// <param name="resources">The applied resources in creation order, oldest first.</param>
    /// <param name="authorization">The AuthorizationPolicies the pod's proxy enforces, read from the proxy itself.</param>
    public static PodDescription Describe(PodState pod, IReadOnlyList<Resource> resources, IReadOnlyList<PolicyInEffect> authorization)
    {
        var settings = MeshConfigReader.Settings(resources);
        var peerAuthentication = new PeerAuthenticationIndex(resources, settings.RootNamespace).For(pod.Namespace, pod.Labels);
        var rules = new DestinationRuleIndex(resources, settings);
        var client = new DestinationRuleClient(pod.Namespace);
        var ports = new List<ServicePortDescription>();
        foreach (var service in resources.Where(r => r.Kind == "Service" && r.Metadata.Namespace == pod.Namespace))
        {
            if (service.Spec is not ServiceSpec { Selector: { Count: > 0 } selector } spec
                || !selector.All(kv => pod.Labels.TryGetValue(kv.Key, out var v) && v == kv.Value)) continue;
            var fqdn = HostName.Fqdn(service.Metadata.Name, pod.Namespace);
            var rule = rules.For(fqdn, pod.Namespace, client);
            var virtualServices = VirtualServicesFor(resources, fqdn);
            foreach (var port in spec.Ports ?? [])
            {
                if (port.Port is not { } number) continue;
                var target = port.TargetPort?.Int ?? number;
                var mtls = peerAuthentication.ForPort(target);
                ports.Add(new ServicePortDescription(
                    service.Metadata.Name, number, target, port.Name,
                    Mode(mtls.Mode), DecidedBy(mtls),
                    virtualServices,
                    rule is null ? null : string.Join(", ", rule.From.Select(r => $"{r.Metadata.Namespace}/{r.Metadata.Name}")),
                    (rule?.Spec.Subsets ?? []).Select(s => s.Name).OfType<string>().ToList(),
                    ClientTlsOf(rule?.Spec.TrafficPolicy, number)));
            }
        }
        return new PodDescription(pod.Name, pod.Namespace, pod.ServiceAccount, pod.Labels, ports, authorization,
            $"trellis x authz check {pod.Name} -n {pod.Namespace}");
    }

    private static IReadOnlyList<string> VirtualServicesFor(IReadOnlyList<Resource> resources, string fqdn) => resources
        .Where(r => r.Kind == "VirtualService" && r.Spec is VirtualServiceSpec)
        .Where(r => (((VirtualServiceSpec)r.Spec!).Hosts ?? []).Any(h => HostName.Matches(HostName.Resolve(h, r.Metadata.Namespace ?? "default"), fqdn)))
        .Select(r => $"{r.Metadata.Namespace}/{r.Metadata.Name}")
        .ToList();

    /// <summary>The DestinationRule's tls for the port (a portLevelSettings entry replaces the rule's), or auto mTLS.</summary>
    private static string? ClientTlsOf(TrafficPolicy? policy, int port)
    {
        var level = policy?.PortLevelSettings?.FirstOrDefault(p => p.Port?.Number == port);
        var tls = level is not null ? level.Tls : policy?.Tls;
        return tls?.Mode;
    }

    public static string Mode(MutualTlsMode mode) => mode switch
    {
        MutualTlsMode.Strict => "STRICT",
        MutualTlsMode.Disable => "DISABLE",
        _ => "PERMISSIVE",
    };

    private static string DecidedBy(DecidedMutualTls decided) => decided.DecidedBy is { } policy
        ? $"PeerAuthentication {policy.Metadata.Namespace}/{policy.Metadata.Name} ({decided.Scope})"
        : "no PeerAuthentication (Istio's default)";
}
