using Grpc.Core;

namespace Trellis.Xds.Server;

/// <summary>What one client may make the xDS server hold. The server faces the network, and a stream lives as long
/// as its client wants: each bound is far above what a mesh's proxies ask for and turns a client that exceeds it away
/// with RESOURCE_EXHAUSTED, instead of letting it grow the control plane's memory.</summary>
internal static class XdsLimits
{
    /// <summary>Bound on one request: istiod's (ISTIO_GPRC_MAXRECVMSGSIZE) and gRPC's default. Requests only name
    /// resources (a proxy naming ten thousand clusters sends under a megabyte); responses carry the resources
    /// themselves and have their own, larger bound.</summary>
    public const int MaxRequestBytes = 4 * 1024 * 1024;

    /// <summary>Bound on the names one stream subscribes to per type: a proxy names one per cluster it routes to, and
    /// the largest meshes have some ten thousand.</summary>
    public const int MaxNamesPerType = 100_000;

    /// <summary>Bound on those names' total length: what one request may carry. A state-of-the-world request carries
    /// all its names, so only the incremental variant, which adds names request by request, needs to check it.</summary>
    public const long MaxNameCharsPerType = MaxRequestBytes;

    /// <summary>The error that ends a stream whose subscription to <paramref name="typeUrl"/> passes a bound.</summary>
    public static RpcException TooManyNames(string typeUrl, int names, long chars) => new(new Status(StatusCode.ResourceExhausted,
        $"the stream subscribes to {names} {TypeUrls.ShortName(typeUrl)} names of {chars} characters in all; " +
        $"a stream may subscribe to at most {MaxNamesPerType} names of {MaxNameCharsPerType} characters per type"));
}
