using System.Collections.Immutable;
using Trellis.Config.Model;
using Trellis.Config.Model.Networking;
using Trellis.Config.Model.Smi;

namespace Trellis.Config.Semantics.Smi;

/// <summary>SMI TrafficSplits served as Linkerd serves them: requests and connections addressed to the apex Service are
/// shared among the backend Services by weight. Each becomes a VirtualService for the apex host, with the same split on
/// its HTTP and TCP ports, which the translators then serve like any other.</summary>
public static class TrafficSplits
{
    /// <summary>The resources followed by one VirtualService per TrafficSplit; the same list when there is none.</summary>
    public static IReadOnlyList<Resource> Convert(IReadOnlyList<Resource> resources)
    {
        if (!resources.Any(r => r.Spec is TrafficSplitSpec)) return resources;
        var converted = new List<Resource>(resources);
        foreach (var split in resources)
            if (split.Spec is TrafficSplitSpec spec && VirtualService(spec) is { } vs)
                converted.Add(split.Derived("networking.istio.io/v1", "VirtualService",
                    new ObjectMeta($"trafficsplit-{split.Metadata.Name}", split.Metadata.Namespace ?? "default", Empty, Empty), vs));
        return converted;
    }

    private static VirtualServiceSpec? VirtualService(TrafficSplitSpec spec)
    {
        if (spec.Service is not { Length: > 0 } apex || spec.Backends is not { Count: > 0 } backends) return null;
        var parsed = backends.Select(b => (b.Service, Weight: TrafficSplitWeights.Parse(b.Weight))).ToList();
        if (parsed.Any(b => b.Service is not { Length: > 0 } || b.Weight is not >= 0) || parsed.All(b => b.Weight == 0)) return null;
        var weights = TrafficSplitWeights.Whole([.. parsed.Select(b => b.Weight!.Value)]);
        var shares = parsed.Select((b, i) => (Host: b.Service!, Weight: weights[i])).Where(b => b.Weight > 0).ToList();
        return new VirtualServiceSpec
        {
            Hosts = [apex],
            Http = [new HttpRoute { Route = [.. shares.Select(s => new HttpRouteDestination { Destination = new Destination { Host = s.Host }, Weight = s.Weight })] }],
            Tcp = [new TcpRoute { Route = [.. shares.Select(s => new RouteDestination { Destination = new Destination { Host = s.Host }, Weight = s.Weight })] }],
        };
    }

    private static readonly IReadOnlyDictionary<string, string> Empty = ImmutableDictionary<string, string>.Empty;
}
