using Trellis.Proxy.Clusters;
using Trellis.Proxy.Forwarding;
using Trellis.Proxy.Routing;

namespace Trellis.Proxy.Outbound.Logical;

/// <summary>The logical step of the outbound pipeline, for HTTP requests and tunnels alike: which cluster a forwarding
/// route sends this request to (by name, by header or by weight), and the request's hash for hashing balancers.
/// <see cref="Cluster"/> is null when the route names a cluster that is not configured; <see cref="Refusal"/> then
/// says so, with the action's cluster_not_found_response_code.</summary>
internal readonly record struct LogicalBackend(ForwardAction Action, ClusterChoice Choice, ClusterState? Cluster, OutboundRefusal? Refusal)
{
    public static LogicalBackend Resolve(RequestContext context, ForwardAction action)
    {
        var choice = context.PickedCluster is { } picked && picked.Action == action ? picked.Choice : action.Choose(context.Http.Request);
        if (!context.Snapshot.Clusters.TryGetValue(choice.Name, out var cluster))
        {
            return new LogicalBackend(action, choice, null, new OutboundRefusal(action.ClusterNotFoundStatus, ResponseFlags.NoClusterFound, "",
                $"route {context.Route!.DisplayName} sends to cluster \"{choice.Name}\", which is not configured"));
        }
        context.Cluster = cluster;
        return new LogicalBackend(action, choice, cluster, null);
    }

    /// <summary>As Envoy's connection manager does when it resolves the route, before the HTTP filters run: picks the
    /// route's cluster (by name, header or weight) and records it, so a request a filter answers (a fault's abort, an
    /// authorization denial) is still counted and logged against the cluster it was meant for; the router then forwards
    /// to that same pick.</summary>
    public static void Preselect(RequestContext context)
    {
        context.PickedCluster = null;
        if (context.Route?.Action is not ForwardAction action) return;
        var choice = action.Choose(context.Http.Request);
        context.PickedCluster = (action, choice);
        if (context.Snapshot.Clusters.TryGetValue(choice.Name, out var cluster)) context.Cluster = cluster;
    }

    /// <summary>The route's hash policies over the request as it will go upstream, so the caller computes it once the
    /// route's header mutations are applied, as Envoy's router does; null when they produce none.</summary>
    public ulong? Hash(RequestContext context) => Action.Hashing.Compute(context);
}
