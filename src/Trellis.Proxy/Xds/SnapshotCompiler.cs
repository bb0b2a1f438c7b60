using System.Collections.Frozen;
using Google.Protobuf;
using Envoy.Config.Cluster.V3;
using Envoy.Config.Endpoint.V3;
using Envoy.Config.Listener.V3;
using Envoy.Config.Route.V3;
using Trellis.Proxy.Clusters;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Listeners;
using Trellis.Proxy.LoadBalancing;
using Trellis.Proxy.Routing;
using Trellis.Xds;

namespace Trellis.Proxy.Xds;

/// <summary>Builds a <see cref="ProxySnapshot"/> from accepted xDS resources, reusing whatever the
/// previous snapshot compiled from identical resources (compiled regexes, balancers, pools).</summary>
internal sealed class SnapshotCompiler(UpstreamClientPool pool)
{
    public ProxySnapshot Compile(AcceptedResources resources, ProxySnapshot previous)
    {
        var listeners = new Dictionary<string, ListenerModel>(StringComparer.Ordinal);
        foreach (var r in resources.Of(TypeUrls.Listener))
            if (Guarded(r, static m => ListenerCompiler.Compile((Listener)m)) is { } model) listeners[r.Name] = model;
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

        // Validate every cluster before touching the connection pools, so a rejected update changes nothing.
        var assignments = resources.ByType.GetValueOrDefault(TypeUrls.ClusterLoadAssignment);
        var built = new List<(AcceptedResource Source, ClusterModel Model, IReadOnlyList<EndpointModel> Endpoints, object? EndpointSource)>();
        foreach (var r in resources.Of(TypeUrls.Cluster))
        {
            var proto = (Cluster)r.Message;
            var model = Guarded(r, static m => ClusterCompiler.Compile((Cluster)m));
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
            built.Add((r, model, Guarded(endpointSource as AcceptedResource ?? r, _ => ClusterCompiler.Endpoints(assignment)), endpointSource));
        }

        var clusters = new Dictionary<string, ClusterState>(StringComparer.Ordinal);
        foreach (var (source, model, endpoints, endpointSource) in built)
        {
            var known = previous.Clusters.GetValueOrDefault(model.Name);
            clusters[model.Name] = known is not null && ReferenceEquals(known.Source, source) && ReferenceEquals(known.EndpointSource, endpointSource)
                ? known
                : NewState(model, endpoints, known, source, endpointSource);
        }
        pool.RetainOnly(clusters.Keys.ToHashSet(StringComparer.Ordinal));

        return new ProxySnapshot(
            listeners.ToFrozenDictionary(StringComparer.Ordinal),
            routes.ToFrozenDictionary(StringComparer.Ordinal),
            clusters.ToFrozenDictionary(StringComparer.Ordinal),
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

    private ClusterState NewState(ClusterModel model, IReadOnlyList<EndpointModel> endpoints, ClusterState? known, object source, object? endpointSource)
    {
        var outliers = model.Outliers is { } settings
            ? new OutlierDetector(settings, model.LbPolicy, model.Hashing, endpoints, known?.Outliers is { } previous && previous.Settings == settings ? previous : null)
            : null;
        return new ClusterState(model, endpoints, (ILoadBalancer?)outliers ?? LoadBalancerFactory.Create(model.LbPolicy, endpoints, model.Hashing),
            pool.Get(model), BreakerFor(model, known?.Breaker), outliers, source, endpointSource);
    }

    /// <summary>The cluster's previous breaker while its limits hold, so in-flight counts survive a push.</summary>
    private static CircuitBreaker BreakerFor(ClusterModel model, CircuitBreaker? previous)
    {
        var multiplexed = model.Protocol == UpstreamProtocol.Http2;
        return previous is not null && previous.Limits == model.Limits && previous.Multiplexed == multiplexed
            ? previous
            : new CircuitBreaker(model.Limits, multiplexed);
    }
}
