using Envoy.Config.Core.V3;
using Envoy.Config.Listener.V3;
using Envoy.Extensions.Filters.Http.Router.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Listener = Envoy.Config.Listener.V3.Listener;

namespace Trellis.Proxy.Tests.Support;

/// <summary>Listeners whose connection manager a test shapes itself: its HTTP filters before the router and its path settings.</summary>
internal static class Hcms
{
    public static HttpFilter Filter(string name, IMessage config) => new() { Name = name, TypedConfig = Any.Pack(config) };

    public static HttpConnectionManager Hcm(string rds, params HttpFilter[] filters)
    {
        var hcm = new HttpConnectionManager
        {
            StatPrefix = "test",
            Rds = new Rds { RouteConfigName = rds, ConfigSource = new ConfigSource { Ads = new AggregatedConfigSource() } },
        };
        hcm.HttpFilters.Add(filters);
        hcm.HttpFilters.Add(new HttpFilter { Name = "envoy.filters.http.router", TypedConfig = Any.Pack(new Router()) });
        return hcm;
    }

    public static Listener Listener(string name, int port, HttpConnectionManager hcm, TrafficDirection direction = TrafficDirection.Inbound, params Filter[] before)
    {
        var chain = new FilterChain();
        chain.Filters.Add(before);
        chain.Filters.Add(new Filter { Name = "envoy.filters.network.http_connection_manager", TypedConfig = Any.Pack(hcm) });
        return new Listener
        {
            Name = name,
            Address = new Address { SocketAddress = new SocketAddress { Address = "127.0.0.1", PortValue = (uint)port } },
            TrafficDirection = direction,
            FilterChains = { chain },
        };
    }
}
