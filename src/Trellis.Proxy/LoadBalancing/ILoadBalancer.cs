using Microsoft.AspNetCore.Http;
using Trellis.Proxy.Clusters;

namespace Trellis.Proxy.LoadBalancing;

/// <summary>Chooses an endpoint of a cluster for one request (or one retry).</summary>
internal interface ILoadBalancer
{
    /// <summary>A healthy endpoint, or null when there is none.</summary>
    EndpointModel? Pick(HttpContext context);
}
