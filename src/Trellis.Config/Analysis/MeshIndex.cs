using Trellis.Config.Model;
using Trellis.Config.Model.Apps;
using Trellis.Config.Model.Core;
using Trellis.Config.Model.Networking;
using Trellis.Config.Semantics;

namespace Trellis.Config.Analysis;

/// <summary>Lookups the analyzers share, computed once per analysis.</summary>
internal sealed class MeshIndex
{
    public MeshIndex(IReadOnlyList<Resource> resources)
    {
        Resources = resources;
        Services = Typed<ServiceSpec>("Service");
        Deployments = Typed<DeploymentSpec>("Deployment");
        VirtualServices = Typed<VirtualServiceSpec>("VirtualService");
        DestinationRules = Typed<DestinationRuleSpec>("DestinationRule");
        Gateways = Typed<GatewaySpec>("Gateway");
        ServiceEntries = Typed<ServiceEntrySpec>("ServiceEntry");
        var settings = Loading.MeshConfigReader.Settings(resources);
        Settings = settings;
        RuleIndex = new DestinationRuleIndex(resources, settings);
        var rootNamespace = settings.RootNamespace;
        PeerAuthentications = new PeerAuthenticationIndex(resources, rootNamespace);
        Sidecars = new SidecarIndex(resources, rootNamespace);
        ServicesByFqdn = Services
            .GroupBy(s => HostName.Fqdn(s.Resource.Metadata.Name, Ns(s.Resource)), StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyList<Resource> Resources { get; }
    public IReadOnlyList<(Resource Resource, ServiceSpec Spec)> Services { get; }
    public IReadOnlyList<(Resource Resource, DeploymentSpec Spec)> Deployments { get; }
    public IReadOnlyList<(Resource Resource, VirtualServiceSpec Spec)> VirtualServices { get; }
    public IReadOnlyList<(Resource Resource, DestinationRuleSpec Spec)> DestinationRules { get; }
    public IReadOnlyList<(Resource Resource, GatewaySpec Spec)> Gateways { get; }
    public IReadOnlyList<(Resource Resource, ServiceEntrySpec Spec)> ServiceEntries { get; }
    public IReadOnlyDictionary<string, (Resource Resource, ServiceSpec Spec)> ServicesByFqdn { get; }

    /// <summary>The mesh config in force (root namespace, exportTo defaults, ...).</summary>
    public Model.Mesh.MeshSettings Settings { get; }

    /// <summary>Which DestinationRule applies, answered as the control plane answers it.</summary>
    public DestinationRuleIndex RuleIndex { get; }

    /// <summary>Which PeerAuthentication decides a workload's mutual TLS, answered as the control plane answers it.</summary>
    public PeerAuthenticationIndex PeerAuthentications { get; }

    /// <summary>Which Sidecar applies to a workload, answered as the control plane answers it.</summary>
    public SidecarIndex Sidecars { get; }

    public static string Ns(Resource r) => r.Metadata.Namespace ?? "default";

    /// <summary>The Service a host written in namespace <paramref name="ns"/> denotes, if any.</summary>
    public (Resource Resource, ServiceSpec Spec)? FindService(string host, string ns)
    {
        foreach (var candidate in HostName.Candidates(host, ns))
            if (ServicesByFqdn.TryGetValue(candidate, out var service)) return service;
        return null;
    }

    /// <summary>True when a host resolves to a Service or is covered by a ServiceEntry host.</summary>
    public bool HostExists(string host, string ns)
    {
        if (FindService(host, ns) is not null) return true;
        var candidates = HostName.Candidates(host, ns);
        return ServiceEntries.Any(se => (se.Spec.Hosts ?? []).Any(h => candidates.Any(c => HostName.Matches(h, c))))
               || (host.Contains('*') && ServicesByFqdn.Keys.Any(fqdn => HostName.Matches(HostName.Resolve(host, ns), fqdn)));
    }

    /// <summary>Subset names a client can route to on a host written in <paramref name="ns"/>: those of the merged
    /// DestinationRule that applies to it, as the control plane picks it.</summary>
    public IReadOnlyList<string> SubsetsFor(string host, string ns, DestinationRuleClient client)
    {
        var service = FindService(host, ns);
        var fqdn = service is { } s ? HostName.Fqdn(s.Resource.Metadata.Name, Ns(s.Resource)) : HostName.Resolve(host, ns);
        var rule = RuleIndex.For(fqdn, service is { } owner ? Ns(owner.Resource) : ns, client);
        return (rule?.Spec.Subsets ?? []).Select(subset => subset.Name).OfType<string>().ToList();
    }

    /// <summary>The workloads of a namespace as DestinationRule clients: one per Deployment's pod labels, or a
    /// client without labels when the namespace runs none.</summary>
    public IReadOnlyList<DestinationRuleClient> ClientsIn(string ns)
    {
        var clients = PodTemplates(ns).Select(p => new DestinationRuleClient(ns, p.Labels)).ToList();
        return clients.Count > 0 ? clients : [new DestinationRuleClient(ns)];
    }

    /// <summary>Pod-template labels of each Deployment in a namespace.</summary>
    public IEnumerable<(Resource Resource, IReadOnlyDictionary<string, string> Labels)> PodTemplates(string ns) =>
        Deployments.Where(d => Ns(d.Resource) == ns)
            .Select(d => (d.Resource, (IReadOnlyDictionary<string, string>?)d.Spec.Template?.Metadata?.Labels ?? new Dictionary<string, string>()));

    public static bool Selects(IReadOnlyDictionary<string, string> selector, IReadOnlyDictionary<string, string> labels) =>
        selector.All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value);

    private List<(Resource, T)> Typed<T>(string kind) where T : class =>
        Resources.Where(r => r.Kind == kind && r.Spec is T).Select(r => (r, (T)r.Spec!)).ToList();
}
