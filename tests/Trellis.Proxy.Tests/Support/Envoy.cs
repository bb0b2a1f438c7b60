using Envoy.Config.Cluster.V3;
using Envoy.Config.Core.V3;
using Envoy.Config.Endpoint.V3;
using Envoy.Config.Listener.V3;
using Envoy.Config.Route.V3;
using Envoy.Extensions.Filters.Http.Router.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Envoy.Extensions.Upstreams.Http.V3;
using Google.Protobuf.WellKnownTypes;
using HttpProtocolOptions = Envoy.Extensions.Upstreams.Http.V3.HttpProtocolOptions;

namespace Trellis.Proxy.Tests.Support;

/// <summary>Builders for the xDS resources the control plane sends, shaped as it shapes them.</summary>
internal static class Envoy
{
    public static Listener Listener(string name, int port, string rds, TrafficDirection direction = TrafficDirection.Outbound, bool connect = false) => new()
    {
        Name = name,
        Address = new Address { SocketAddress = new SocketAddress { Address = "127.0.0.1", PortValue = (uint)port } },
        TrafficDirection = direction,
        FilterChains = { HcmChain(name, rds, connect) },
    };

    /// <summary>A listener without a socket, which terminated CONNECT tunnels enter.</summary>
    public static Listener InternalListener(string name, string rds) => new()
    {
        Name = name,
        InternalListener = new Listener.Types.InternalListenerConfig(),
        TrafficDirection = TrafficDirection.Outbound,
        FilterChains = { HcmChain(name, rds, connect: false) },
    };

    private static FilterChain HcmChain(string name, string rds, bool connect)
    {
        var hcm = new HttpConnectionManager
        {
            StatPrefix = name,
            Rds = new Rds { RouteConfigName = rds, ConfigSource = new ConfigSource { Ads = new AggregatedConfigSource() } },
            HttpFilters =
            {
                new HttpFilter { Name = "envoy.filters.http.fault", TypedConfig = Any.Pack(new global::Envoy.Extensions.Filters.Http.Fault.V3.HTTPFault()) },
                new HttpFilter { Name = "envoy.filters.http.router", TypedConfig = Any.Pack(new Router()) },
            },
        };
        if (connect) hcm.UpgradeConfigs.Add(new HttpConnectionManager.Types.UpgradeConfig { UpgradeType = "CONNECT" });
        return new FilterChain { Filters = { new Filter { Name = "envoy.filters.network.http_connection_manager", TypedConfig = Any.Pack(hcm) } } };
    }

    /// <summary>A connect_matcher route: <paramref name="terminate"/> answers the CONNECT here (connect_config), otherwise it is forwarded.</summary>
    public static Route ConnectTo(string cluster, bool terminate) => new()
    {
        Name = terminate ? "terminate" : "forward",
        Match = new RouteMatch { ConnectMatcher = new RouteMatch.Types.ConnectMatcher() },
        Route_ = new RouteAction
        {
            Cluster = cluster,
            Timeout = new Duration(),
            UpgradeConfigs =
            {
                new RouteAction.Types.UpgradeConfig
                {
                    UpgradeType = "CONNECT",
                    ConnectConfig = terminate ? new RouteAction.Types.UpgradeConfig.Types.ConnectConfig() : null,
                },
            },
        },
    };

    /// <summary>A static cluster whose one endpoint is an internal listener.</summary>
    public static Cluster ToInternalListener(string name, string listener) => new()
    {
        Name = name,
        Type = Cluster.Types.DiscoveryType.Static,
        LoadAssignment = new ClusterLoadAssignment
        {
            ClusterName = name,
            Endpoints =
            {
                new LocalityLbEndpoints
                {
                    LbEndpoints = { new LbEndpoint { Endpoint = new Endpoint { Address = new Address { EnvoyInternalAddress = new EnvoyInternalAddress { ServerListenerName = listener } } } } },
                },
            },
        },
    };

    public static RouteConfiguration Routes(string name, params VirtualHost[] hosts) => new() { Name = name, VirtualHosts = { hosts } };

    public static VirtualHost Host(string name, string[] domains, params Route[] routes) => new() { Name = name, Domains = { domains }, Routes = { routes } };

    public static Route ToCluster(string cluster, string prefix = "/", string name = "") => new()
    {
        Name = name,
        Match = new RouteMatch { Prefix = prefix },
        Route_ = new RouteAction { Cluster = cluster, Timeout = new Duration() },
    };

    public static Cluster Eds(string name, bool http2 = false, string? serviceHost = null)
    {
        var options = new HttpProtocolOptions();
        if (http2) options.ExplicitHttpConfig = new HttpProtocolOptions.Types.ExplicitHttpConfig { Http2ProtocolOptions = new Http2ProtocolOptions() };
        else options.UseDownstreamProtocolConfig = new HttpProtocolOptions.Types.UseDownstreamHttpConfig { HttpProtocolOptions = new Http1ProtocolOptions(), Http2ProtocolOptions = new Http2ProtocolOptions() };
        var cluster = new Cluster
        {
            Name = name,
            Type = Cluster.Types.DiscoveryType.Eds,
            EdsClusterConfig = new Cluster.Types.EdsClusterConfig { ServiceName = name, EdsConfig = new ConfigSource { Ads = new AggregatedConfigSource() } },
            ConnectTimeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(2)),
            TypedExtensionProtocolOptions = { ["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"] = Any.Pack(options) },
        };
        if (serviceHost is not null)
        {
            var entry = new Struct();
            entry.Fields["host"] = Value.ForString(serviceHost);
            entry.Fields["name"] = Value.ForString(serviceHost.Split('.')[0]);
            entry.Fields["namespace"] = Value.ForString(serviceHost.Split('.')[1]);
            var istio = new Struct();
            istio.Fields["services"] = Value.ForList(Value.ForStruct(entry));
            cluster.Metadata = new Metadata { FilterMetadata = { ["istio"] = istio } };
        }
        return cluster;
    }

    public static ClusterLoadAssignment Endpoints(string cluster, params int[] ports) => EndpointsWith(cluster, ports.Select(p => (p, (string?)null)).ToArray());

    public static ClusterLoadAssignment EndpointsWith(string cluster, params (int Port, string? Workload)[] endpoints)
    {
        var locality = new LocalityLbEndpoints();
        foreach (var (port, workload) in endpoints)
        {
            var lb = new LbEndpoint
            {
                Endpoint = new Endpoint { Address = new Address { SocketAddress = new SocketAddress { Address = "127.0.0.1", PortValue = (uint)port } } },
                HealthStatus = HealthStatus.Healthy,
            };
            if (workload is not null)
            {
                var istio = new Struct();
                istio.Fields["workload"] = Value.ForString(workload);
                lb.Metadata = new Metadata { FilterMetadata = { ["istio"] = istio } };
            }
            locality.LbEndpoints.Add(lb);
        }
        return new ClusterLoadAssignment { ClusterName = cluster, Endpoints = { locality } };
    }
}
