using Envoy.Config.Cluster.V3;
using Envoy.Config.Listener.V3;
using Envoy.Config.Route.V3;
using Trellis.ControlPlane.Mesh;

namespace Trellis.ControlPlane.Translation;

/// <summary>What a proxyless gRPC client (node metadata <c>GENERATOR: grpc</c>) gets, as istiod's grpcgen serves it:
/// per service port an API listener named like the client's target "host:port" (for every name under which the
/// client may resolve the service), whose HTTP connection manager takes route table <c>outbound|port||fqdn</c>
/// over ADS; plain EDS clusters balanced as gRPC can; and the mesh's endpoints.</summary>
internal static class ProxylessGrpcResources
{
    public static ProxyResources Build(MeshModel mesh, OutboundResources outbound, ProxyNode node)
    {
        var listeners = new List<Listener>();
        var routes = new List<RouteConfiguration>();
        var scope = outbound.ScopeOf(node);
        foreach (var (service, port, host) in MeshRouteTranslator.PerServicePort(mesh, node, scope))
        {
            // One virtual host per table: a client reaches the table only through this service's listeners,
            // so Istio's other hosts on the port could never match its authority.
            var routeName = ClusterNames.Outbound(port.Port, null, service.Fqdn);
            routes.Add(new RouteConfiguration { Name = routeName, VirtualHosts = { host } });
            foreach (var name in TargetNames(service, node.Namespace))
                listeners.Add(ListenerTranslator.Api($"{name}:{port.Port}", routeName));
        }
        var view = outbound.For(node, scope);
        var clusters = view.ClusterSet.Ordered.Select(c => c.Message<Cluster>()).Where(c => c.Type == Cluster.Types.DiscoveryType.Eds).Select(ForGrpc).ToList();
        return new ProxyResources(listeners, routes, clusters, []) { SharedEndpoints = view.EndpointSet };
    }

    /// <summary>The host names a client may put in <c>xds:///host:port</c>: the FQDN from anywhere, and from the
    /// service's own namespace also the short forms istiod expands to it (name, name.ns, name.ns.svc).</summary>
    public static IEnumerable<string> TargetNames(ServiceModel service, string clientNamespace)
    {
        yield return service.Fqdn;
        if (service.Namespace != clientNamespace) yield break;
        yield return service.Name;
        yield return $"{service.Name}.{service.Namespace}";
        yield return $"{service.Name}.{service.Namespace}.svc";
    }

    /// <summary>grpcgen's cluster: EDS over ADS plus the DestinationRule's load balancer, where gRPC balances round
    /// robin unless the rule hashes (ring hash, or Maglev, which gRPC rejects as it does from istiod). Connection
    /// pools and outlier detection are Envoy's and are not sent, as istiod does not.</summary>
    private static Cluster ForGrpc(Cluster shared)
    {
        var cluster = new Cluster
        {
            Name = shared.Name,
            Type = Cluster.Types.DiscoveryType.Eds,
            EdsClusterConfig = shared.EdsClusterConfig,
            LbPolicy = shared.LbPolicy is Cluster.Types.LbPolicy.RingHash or Cluster.Types.LbPolicy.Maglev
                ? shared.LbPolicy
                : Cluster.Types.LbPolicy.RoundRobin,
        };
        if (shared.RingHashLbConfig is { } ring) cluster.RingHashLbConfig = ring;
        if (shared.MaglevLbConfig is { } maglev) cluster.MaglevLbConfig = maglev;
        return cluster;
    }
}
