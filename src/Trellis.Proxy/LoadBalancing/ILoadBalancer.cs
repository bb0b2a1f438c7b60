using Microsoft.AspNetCore.Http;
using Trellis.Proxy.Clusters;

namespace Trellis.Proxy.LoadBalancing;

/// <summary>Chooses an endpoint of a cluster for one request (or one retry).</summary>
internal interface ILoadBalancer
{
    /// <summary>A healthy endpoint, or null when there is none. <paramref name="hash"/> is the request's hash
    /// from the route's hash policies (null when they produced none); only hashing balancers use it.</summary>
    EndpointModel? Pick(HttpContext context, ulong? hash);
}
