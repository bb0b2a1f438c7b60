using System.Collections.Frozen;
using Google.Protobuf;
using Envoy.Config.Cluster.V3;
using Envoy.Config.Endpoint.V3;
using Envoy.Config.Listener.V3;
using Envoy.Config.Route.V3;
using Trellis.Proxy.Clusters;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Listeners;
using Trellis.Proxy.Routing;
using Trellis.Proxy.Secrets;
using Trellis.Xds;

namespace Trellis.Proxy.Xds;

/// <summary>Builds a <see cref="ProxySnapshot"/> from accepted xDS resources, reusing the listeners and route tables
/// the previous snapshot compiled from identical resources (filter chains, compiled regexes); clusters are the
/// registry's long-lived states, updated once everything validated.</summary>
internal sealed class SnapshotCompiler(ClusterRegistry registry, SecretStore secrets)
{
    public ProxySnapshot Compile(AcceptedResources resources, ProxySnapshot previous)
    {
        var listeners = new Dictionary<string, ListenerModel>(StringComparer.Ordinal);
        // An unchanged listener keeps its compiled model, so open connections keep finding their filter chain by reference.
        foreach (var r in resources.Of(TypeUrls.Listener))
        {
            var model = Unchanged(previous, TypeUrls.Listener, r) && previous.Listeners.TryGetValue(r.Name, out var known)
                ? known
                : Guarded(r, m => ListenerCompiler.Compile((Listener)m, secrets));
            if (model is not null) listeners[r.Name] = model;
        }
        var bindings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var l in listeners.Values)
            if (!l.IsInternal && !bindings.TryAdd(l.BindKey, l.Name))
                throw new ConfigException($"listeners \"{bindings[l.BindKey]}\" and \"{l.Name}\" both bind {l.BindKey}");

        var routes = new Dictionary<string, RouteTable>(StringComparer.Ordinal);
        foreach (var r in resources.Of(TypeUrls.RouteConfiguration))
        {
            routes[r.Name] = Unchanged(previous, TypeUrls.RouteConfiguration, r) && previous.Routes.TryGetValue(r.Name, out var table)
                ? table
                : Guarded(r, static m => RouteCompiler.Compile((RouteConfiguration)m));
        }

        // Validate every cluster before touching any cluster's state, so a rejected update changes nothing.
        var assignments = resources.ByType.GetValueOrDefault(TypeUrls.ClusterLoadAssignment);
        var configs = new List<ClusterConfig>();
        foreach (var r in resources.Of(TypeUrls.Cluster))
        {
            var proto = (Cluster)r.Message;
            var model = Guarded(r, m => ClusterCompiler.Compile((Cluster)m, secrets));
            object? endpointSource = model.Type switch
            {
                Cluster.Types.DiscoveryType.Eds => assignments?.GetValueOrDefault(model.EdsServiceName),
                Cluster.Types.DiscoveryType.Static => proto.LoadAssignment,
                // The names a DNS cluster resolves to arrive as an assignment of its own (Static/DnsClusterResolver).
                Cluster.Types.DiscoveryType.StrictDns or Cluster.Types.DiscoveryType.LogicalDns => assignments?.GetValueOrDefault(model.Name),
                _ => null,
            };
            var assignment = endpointSource switch
            {
                AcceptedResource a => (ClusterLoadAssignment)a.Message,
                ClusterLoadAssignment inline => inline,
                _ => null,
            };
            configs.Add(new ClusterConfig(model, Guarded(endpointSource as AcceptedResource ?? r, _ => ClusterCompiler.Endpoints(assignment, model.SocketMatches)), r, endpointSource));
        }
        var clusters = registry.Apply(configs);

        return new ProxySnapshot(
            listeners.ToFrozenDictionary(StringComparer.Ordinal),
            routes.ToFrozenDictionary(StringComparer.Ordinal),
            clusters,
            resources);
    }

    /// <summary>Compiles one resource, turning what Google.Protobuf throws on values it cannot represent (an embedded
    /// Any whose bytes do not decode, a Duration outside its range) into a rejection naming the resource.</summary>
    private static T Guarded<T>(AcceptedResource r, Func<IMessage, T> compile)
    {
        try
        {
            return compile(r.Message);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidOperationException)
        {
            var kind = r.Message switch
            {
                Listener => "listener",
                RouteConfiguration => "route configuration",
                ClusterLoadAssignment => "endpoints of",
                _ => "cluster",
            };
            throw new ConfigException($"{kind} \"{r.Name}\": {e.Message}");
        }
    }

    private static bool Unchanged(ProxySnapshot previous, string typeUrl, AcceptedResource r) =>
        previous.Resources.ByType.TryGetValue(typeUrl, out var map) && map.TryGetValue(r.Name, out var old) && ReferenceEquals(old, r);
}
