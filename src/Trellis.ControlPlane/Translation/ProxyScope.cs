using Trellis.Config;
using Trellis.Config.Analysis;
using Trellis.Config.Model;
using Trellis.Config.Model.Mesh;
using Trellis.Config.Model.Networking;
using Trellis.Config.Semantics;
using Trellis.ControlPlane.Mesh;

namespace Trellis.ControlPlane.Translation;

/// <summary>What one proxy sees, as istiod's SidecarScope: the services, VirtualServices and ServiceEntry hosts exported
/// to its namespace that the egress of its Sidecar imports, plus the services the imported VirtualServices send traffic
/// to; and the outbound traffic policy for everything else. Gateways take no Sidecar, so they see all that is exported
/// to their namespace. Proxies with equal <see cref="Key"/>s see the same.</summary>
internal sealed class ProxyScope
{
    private readonly string _namespace;
    private readonly SidecarEgress _egress;
    private readonly HashSet<(string Fqdn, int Port)> _destinations;
    private readonly ExportToDefaults _exportToDefaults;

    private ProxyScope(string ns, Resource? sidecar, SidecarEgress egress, bool allowAny, HashSet<(string, int)> destinations, ExportToDefaults exportToDefaults)
    {
        _namespace = ns;
        _exportToDefaults = exportToDefaults;
        Sidecar = sidecar;
        _egress = egress;
        AllowAny = allowAny;
        _destinations = destinations;
        Key = KeyOf(ns, sidecar);
    }

    /// <summary>The Sidecar in force, or null when the proxy has none.</summary>
    public Resource? Sidecar { get; }

    /// <summary>Destinations outside the scope pass through (ALLOW_ANY) rather than being refused (REGISTRY_ONLY).</summary>
    public bool AllowAny { get; }

    /// <summary>Whether <see cref="AllowAny"/> comes from the Sidecar rather than the mesh config.</summary>
    public bool PolicyFromSidecar => Sidecar?.Spec is SidecarSpec { OutboundTrafficPolicy: not null };

    public string Key { get; }

    /// <summary>The <see cref="Key"/> of the scope of namespace <paramref name="ns"/> under <paramref name="sidecar"/> (or none).</summary>
    public static string KeyOf(string ns, Resource? sidecar) => sidecar is null ? ns : $"{ns}|{sidecar.Metadata.Namespace}/{sidecar.Metadata.Name}";

    public static ProxyScope For(MeshModel mesh, ProxyNode node) => For(mesh, node.Namespace, SidecarOf(mesh, node));

    /// <summary>The Sidecar in force for the proxy, or null.</summary>
    public static Resource? SidecarOf(MeshModel mesh, ProxyNode node) =>
        // As Istio, a Sidecar never applies to a gateway; proxyless gRPC clients are sidecar proxies to istiod.
        node.Kind == ProxyKind.Router ? null : mesh.Sidecars.For(node.Namespace, node.Labels);

    /// <summary>The scope of every proxy of namespace <paramref name="ns"/> that <paramref name="sidecar"/> (or none) applies to.</summary>
    public static ProxyScope For(MeshModel mesh, string ns, Resource? sidecar)
    {
        var spec = sidecar?.Spec as SidecarSpec;
        var egress = spec is null ? SidecarEgress.Everything : SidecarEgress.Of(spec);
        // A Sidecar's policy replaces the mesh config's whole; its mode defaults to REGISTRY_ONLY, as Istio's enum does.
        var allowAny = spec?.OutboundTrafficPolicy is { } policy ? policy.Mode == OutboundTrafficPolicy.AllowAny : mesh.Settings.AllowAny;
        var destinations = ReferenceEquals(egress, SidecarEgress.Everything) ? [] : Destinations(mesh, egress, ns);
        return new ProxyScope(ns, sidecar, egress, allowAny, destinations, mesh.Settings.ExportToDefaults);
    }

    /// <summary>The proxy has a route to this service port.</summary>
    public bool Routes(ServiceModel service, int port) =>
        service.ExportedTo(_namespace) && (ImportsEverything || _egress.Imports(service.Namespace, service.Fqdn, port, _namespace));

    /// <summary>The proxy has this service port's cluster and endpoints: it routes there, or an imported VirtualService does.</summary>
    public bool HasCluster(ServiceModel service, int port) => Routes(service, port) || _destinations.Contains((service.Fqdn, port));

    /// <summary>Both scopes give a proxy the same clusters: the same namespace, Sidecar, policy and VirtualService destinations.</summary>
    public bool SameDestinations(ProxyScope other) =>
        Key == other.Key && AllowAny == other.AllowAny && ReferenceEquals(Sidecar, other.Sidecar) && _destinations.SetEquals(other._destinations);

    /// <summary>The mesh-bound VirtualService shapes this proxy's traffic on the port: it is exported to the proxy's
    /// namespace and the egress listener for the port imports it.</summary>
    public bool ImportsVirtualService(Resource virtualService, int port) =>
        Exported(virtualService)
        && (ImportsEverything || _egress.ListenerFor(port)?.ImportsVirtualService(Ns(virtualService), FqdnsOf(virtualService), _namespace) == true);

    /// <summary>A ServiceEntry host's port is a destination of this proxy.</summary>
    public bool ImportsServiceEntryHost(Resource serviceEntry, string host, int port) =>
        ExportTo.Allows(((ServiceEntrySpec)serviceEntry.Spec!).ExportTo, _exportToDefaults.Service, Ns(serviceEntry), _namespace)
        && (ImportsEverything || _egress.Imports(Ns(serviceEntry), host, port, _namespace));

    /// <summary>No Sidecar (or one without egress): "*/*", which imports all that is exported, so no host need be matched.
    /// Most proxies are in this case, and a push computes a scope for each.</summary>
    private bool ImportsEverything => ReferenceEquals(_egress, SidecarEgress.Everything);

    /// <summary>As istiod's ConvertToSidecarScope: each egress listener adds the services that the VirtualServices it imports
    /// route to (only the listener's port when it has one), so their clusters exist even when the hosts are not imported.</summary>
    private static HashSet<(string, int)> Destinations(MeshModel mesh, SidecarEgress egress, string ns)
    {
        var found = new HashSet<(string, int)>();
        var virtualServices = mesh.OfKind("VirtualService")
            .Where(vs => vs.Spec is VirtualServiceSpec spec && ExportTo.Allows(spec.ExportTo, mesh.Settings.ExportToDefaults.VirtualService, Ns(vs), ns)
                         && GatewayRef.Bound(spec.Gateways, Ns(vs)).Contains(GatewayRef.Mesh))
            .ToList();
        foreach (var listener in egress.Listeners)
            foreach (var vs in virtualServices.Where(vs => listener.ImportsVirtualService(Ns(vs), FqdnsOf(vs), ns)))
                foreach (var (_, destination) in VirtualServiceDestinations.Of((VirtualServiceSpec)vs.Spec!))
                {
                    if (mesh.FindService(destination.Host ?? "", Ns(vs)) is not { } service || !service.ExportedTo(ns)) continue;
                    foreach (var port in service.Ports.Where(p => !listener.PortMatched || p.Port == listener.Port))
                        found.Add((service.Fqdn, port.Port));
                }
        return found;
    }

    private bool Exported(Resource virtualService) =>
        ExportTo.Allows(((VirtualServiceSpec)virtualService.Spec!).ExportTo, _exportToDefaults.VirtualService, Ns(virtualService), _namespace);

    /// <summary>A VirtualService's hosts as istiod holds them: short names completed in its namespace.</summary>
    private static IEnumerable<string> FqdnsOf(Resource virtualService) =>
        (((VirtualServiceSpec)virtualService.Spec!).Hosts ?? []).SelectMany(h => HostName.Candidates(h, Ns(virtualService)));

    private static string Ns(Resource resource) => resource.Metadata.Namespace ?? "default";
}
