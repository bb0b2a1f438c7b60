using Envoy.Config.Cluster.V3;
using Envoy.Config.Core.V3;
using Envoy.Config.Endpoint.V3;
using Envoy.Config.Listener.V3;
using Envoy.Config.Route.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Envoy.Service.Discovery.V3;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Trellis.Xds.Tests;

/// <summary>Our messages encode to the bytes Envoy's field numbers dictate. Each expected string is
/// derived by hand: tag = field &lt;&lt; 3 | wire type (0 varint, 2 length-delimited), varint-encoded,
/// so a wrong number in one of our .proto files changes a byte and fails the test.</summary>
public sealed class WireFormatTests
{
    private static readonly SocketAddress Socket = new() { Address = "a", PortValue = 80 };

    [Fact]
    public void Listener_uses_envoys_field_numbers()
    {
        var listener = new Listener
        {
            Name = "ab",
            Address = new Address { SocketAddress = Socket },
            FilterChains = { new FilterChain { Filters = { new Filter { Name = "f" } } } },
            TrafficDirection = TrafficDirection.Outbound,
            ApiListener = new ApiListener { ApiListener_ = new Any { TypeUrl = "x" } },
            StatPrefix = "s",
        };

        Assert.Equal(
            "0a026162" +                 // name = 1: "ab"
            "1207" + "0a05" + "120161" + "1850" + // address = 2 { socket_address = 1 { address = 2: "a", port_value = 3: 80 } }
            "1a05" + "1a03" + "0a0166" + // filter_chains = 3 { filters = 3 { name = 1: "f" } }
            "800102" +                   // traffic_direction = 16 (tag 128 = 80 01): OUTBOUND = 2
            "9a0105" + "0a03" + "0a0178" + // api_listener = 19 (tag 154 = 9a 01) { api_listener = 1: Any { type_url = 1: "x" } }
            "e2010173",                  // stat_prefix = 28 (tag 226 = e2 01): "s"
            Hex(listener));
    }

    [Fact]
    public void HttpConnectionManager_uses_envoys_field_numbers()
    {
        var hcm = new HttpConnectionManager
        {
            StatPrefix = "h",
            Rds = new Rds { ConfigSource = new ConfigSource { Ads = new AggregatedConfigSource(), ResourceApiVersion = ApiVersion.V3 }, RouteConfigName = "r" },
            HttpFilters = { new HttpFilter { Name = "n", TypedConfig = new Any { TypeUrl = "y" } } },
        };

        Assert.Equal(
            "120168" +                            // stat_prefix = 2: "h"
            "1a09" + "0a04" + "1a00" + "3002" + "120172" + // rds = 3 { config_source = 1 { ads = 3 {}, resource_api_version = 6: V3 = 2 }, route_config_name = 2: "r" }
            "2a08" + "0a016e" + "2203" + "0a0179", // http_filters = 5 { name = 1: "n", typed_config = 4: Any { type_url = 1: "y" } }
            Hex(hcm));
    }

    [Fact]
    public void Cluster_uses_envoys_field_numbers()
    {
        var cluster = new Cluster
        {
            Name = "c",
            Type = Cluster.Types.DiscoveryType.Eds,
            EdsClusterConfig = new Cluster.Types.EdsClusterConfig { EdsConfig = new ConfigSource { Ads = new AggregatedConfigSource() }, ServiceName = "e" },
            ConnectTimeout = new Duration { Seconds = 1 },
            LbPolicy = Cluster.Types.LbPolicy.LeastRequest,
            LoadAssignment = new ClusterLoadAssignment { ClusterName = "c" },
            RoundRobinLbConfig = new Cluster.Types.RoundRobinLbConfig(),
        };

        Assert.Equal(
            "0a0163" +                             // name = 1: "c"
            "1003" +                               // type = 2: EDS = 3
            "1a07" + "0a02" + "1a00" + "120165" +  // eds_cluster_config = 3 { eds_config = 1 { ads = 3 {} }, service_name = 2: "e" }
            "2202" + "0801" +                      // connect_timeout = 4 { seconds = 1: 1 }
            "3001" +                               // lb_policy = 6: LEAST_REQUEST = 1
            "8a0203" + "0a0163" +                  // load_assignment = 33 (tag 266 = 8a 02) { cluster_name = 1: "c" }
            "c20300",                              // round_robin_lb_config = 56 (tag 450 = c2 03) {}
            Hex(cluster));
    }

    [Fact]
    public void RouteConfiguration_uses_envoys_field_numbers()
    {
        var routes = new RouteConfiguration
        {
            Name = "r",
            VirtualHosts =
            {
                new VirtualHost
                {
                    Name = "v",
                    Domains = { "*" },
                    Routes = { new Route { Match = new RouteMatch { Prefix = "/" }, Route_ = new RouteAction { Cluster = "c" } } },
                },
            },
            ValidateClusters = false,
            IgnorePortInHostMatching = true,
        };

        Assert.Equal(
            "0a0172" +                                   // name = 1: "r"
            "1212" + "0a0176" + "12012a" +               // virtual_hosts = 2 { name = 1: "v", domains = 2: "*",
            "1a0a" + "0a03" + "0a012f" + "1203" + "0a0163" + //   routes = 3 { match = 1 { prefix = 1: "/" }, route = 2 { cluster = 1: "c" } } }
            "3a00" +                                     // validate_clusters = 7: BoolValue {} (false is the default, so empty)
            "7001",                                      // ignore_port_in_host_matching = 14 (tag 112 = 70): true
            Hex(routes));
    }

    [Fact]
    public void ClusterLoadAssignment_uses_envoys_field_numbers()
    {
        var endpoints = new ClusterLoadAssignment
        {
            ClusterName = "c",
            Endpoints =
            {
                new LocalityLbEndpoints
                {
                    LbEndpoints = { new LbEndpoint { Endpoint = new Endpoint { Address = new Address { SocketAddress = Socket } }, LoadBalancingWeight = 3 } },
                    Priority = 1,
                },
            },
        };

        Assert.Equal(
            "0a0163" +                                        // cluster_name = 1: "c"
            "1213" +                                          // endpoints = 2 {
            "120f" + "0a09" + "0a07" + "0a05" + "120161" + "1850" + //   lb_endpoints = 2 { endpoint = 1 { address = 1 { socket_address = 1 {...} } },
            "2202" + "0803" +                                 //     load_balancing_weight = 4 { value = 1: 3 } }
            "2801",                                           //   priority = 5: 1 }
            Hex(endpoints));
    }

    [Fact]
    public void Discovery_messages_use_envoys_field_numbers()
    {
        var request = new DiscoveryRequest
        {
            VersionInfo = "1",
            Node = new Node { Id = "n" },
            ResourceNames = { "a" },
            TypeUrl = "t",
            ResponseNonce = "7",
            ErrorDetail = new Google.Rpc.Status { Code = 3, Message = "m" },
        };
        var response = new DiscoveryResponse { VersionInfo = "1", Resources = { new Any { TypeUrl = "t" } }, TypeUrl = "t", Nonce = "7" };

        Assert.Equal(
            "0a0131" + "1203" + "0a016e" + "1a0161" + "220174" + "2a0137" + // version_info 1, node 2 { id 1 }, resource_names 3, type_url 4, response_nonce 5
            "3205" + "0803" + "12016d",                                    // error_detail = 6 { code = 1: 3, message = 2: "m" }
            Hex(request));
        Assert.Equal(
            "0a0131" + "1203" + "0a0174" + "220174" + "2a0137", // version_info 1, resources 2 { type_url 1 }, type_url 4, nonce 5
            Hex(response));
    }

    private static string Hex(IMessage message) => Convert.ToHexStringLower(message.ToByteArray());
}
