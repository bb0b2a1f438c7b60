using Microsoft.AspNetCore.Http;
using Trellis.Proxy.Clusters;
using Trellis.Proxy.Forwarding;

namespace Trellis.Proxy.Outbound.Concrete;

/// <summary>The concrete step's endpoint choice: a passthrough (ORIGINAL_DST) cluster goes where the request says,
/// any other cluster to its balancer's pick among the endpoints its health view allows.</summary>
internal static class EndpointPicker
{
    /// <summary>The endpoint for one attempt, or null with the UH refusal. <paramref name="named"/> is where a
    /// passthrough request goes (null when it names nowhere).</summary>
    public static EndpointModel? Pick(RequestContext context, ClusterState cluster, ulong? hash, EndpointModel? named, out OutboundRefusal? refusal)
    {
        var endpoint = cluster.IsOriginalDestination ? named : cluster.Pick(context.Http, hash);
        refusal = endpoint is null
            ? new OutboundRefusal(503, ResponseFlags.NoHealthyUpstream, "no healthy upstream",
                $"route {context.Route!.DisplayName}: cluster {cluster.Name} has no healthy endpoint ({cluster.Endpoints.Count} known)")
            : null;
        return endpoint;
    }

    /// <summary>Where a passthrough HTTP request goes: the authority it names, port 80 by default.</summary>
    public static EndpointModel? OriginalDestination(HttpRequest request)
    {
        if (!request.Host.HasValue) return null;
        var port = request.Host.Port ?? 80;
        var host = request.Host.Host.Trim('[', ']');
        return new EndpointModel(host, port, true, 1, null);
    }
}
