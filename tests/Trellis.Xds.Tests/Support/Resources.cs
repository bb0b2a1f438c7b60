using Envoy.Config.Cluster.V3;
using Envoy.Config.Core.V3;
using Envoy.Config.Endpoint.V3;
using Envoy.Config.Listener.V3;
using Envoy.Config.Route.V3;
using Envoy.Extensions.Filters.Http.Router.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Trellis.Xds.Server;
using ClusterLoadAssignment = Envoy.Config.Endpoint.V3.ClusterLoadAssignment;

namespace Trellis.Xds.Tests.Support;

/// <summary>Builders for well-formed Envoy resources, the way a control plane emits them for gRPC and Envoy clients.</summary>
internal static class Resources
{
    private static ConfigSource Ads() => new() { Ads = new AggregatedConfigSource(), ResourceApiVersion = ApiVersion.V3 };

    /// <summary>An API listener (what gRPC clients resolve) whose HCM takes route <paramref name="route"/> over ADS.</summary>
    public static Listener ApiListener(string name, string route) => new()
    {
        Name = name,
        ApiListener = new ApiListener
        {
            ApiListener_ = Any.Pack(new HttpConnectionManager
            {
                StatPrefix = name,
                Rds = new Rds { ConfigSource = Ads(), RouteConfigName = route },
                HttpFilters = { new HttpFilter { Name = "envoy.filters.http.router", TypedConfig = Any.Pack(new Router()) } },
            }),
        },
    };

    /// <summary>One virtual host for <paramref name="domains"/> sending every path to <paramref name="cluster"/>.</summary>
    public static RouteConfiguration Route(string name, string cluster, params string[] domains) => new()
    {
        Name = name,
        VirtualHosts =
        {
            new VirtualHost
            {
                Name = name,
                Domains = { domains },
                Routes = { new Route { Match = new RouteMatch { Prefix = "" }, Route_ = new RouteAction { Cluster = cluster } } },
            },
        },
    };

    /// <summary>An EDS cluster fed over ADS, round robin.</summary>
    public static Cluster EdsCluster(string name) => new()
    {
        Name = name,
        Type = Cluster.Types.DiscoveryType.Eds,
        EdsClusterConfig = new Cluster.Types.EdsClusterConfig { EdsConfig = Ads() },
        ConnectTimeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(1)),
        LbPolicy = Cluster.Types.LbPolicy.RoundRobin,
    };

    /// <summary>Endpoints of <paramref name="cluster"/>: one weighted locality of 127.0.0.1 ports.</summary>
    public static ClusterLoadAssignment Endpoints(string cluster, params int[] ports) => new()
    {
        ClusterName = cluster,
        Endpoints =
        {
            new LocalityLbEndpoints
            {
                Locality = new Locality { Region = "local" },
                LoadBalancingWeight = 1,
                LbEndpoints =
                {
                    ports.Select(p => new LbEndpoint
                    {
                        HealthStatus = HealthStatus.Healthy,
                        Endpoint = new Endpoint
                        {
                            Address = new Address { SocketAddress = new SocketAddress { Address = "127.0.0.1", PortValue = (uint)p } },
                        },
                    }),
                },
            },
        },
    };

    /// <summary>A snapshot with every type at the same version.</summary>
    public static XdsSnapshot Snapshot(string version, params IMessage[] resources) =>
        new(resources.GroupBy(TypeUrlOf).ToDictionary(
            g => g.Key,
            g => (version, (IReadOnlyList<IMessage>)g.ToList())));

    /// <summary>Listener l1 → route r1 → clusters c1/c2, plus route r2 and endpoints c3 nobody references.</summary>
    public static XdsSnapshot Mesh(string version) => Snapshot(version,
        ApiListener("l1", "r1"),
        Route("r1", "c1", "l1"),
        Route("r2", "c2", "unreferenced"),
        EdsCluster("c1"),
        EdsCluster("c2"),
        Endpoints("c1", 10001),
        Endpoints("c2", 10002),
        Endpoints("c3", 10003));

    private static string TypeUrlOf(IMessage resource) => "type.googleapis.com/" + resource.Descriptor.FullName;
}
