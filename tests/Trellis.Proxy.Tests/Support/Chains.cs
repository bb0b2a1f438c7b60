using Envoy.Config.Core.V3;
using Envoy.Config.Listener.V3;
using Envoy.Extensions.Filters.Http.Router.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.Proxy.Listeners;

namespace Trellis.Proxy.Tests.Support;

/// <summary>Builders for listeners with several filter chains, each chain's HCM taking its routes from RDS under the chain's name.</summary>
internal static class Chains
{
    public static FilterChain Chain(string name, FilterChainMatch? match = null) => new()
    {
        Name = name,
        FilterChainMatch = match,
        Filters =
        {
            new Filter
            {
                Name = "envoy.filters.network.http_connection_manager",
                TypedConfig = Any.Pack(new HttpConnectionManager
                {
                    StatPrefix = name,
                    Rds = new Rds { RouteConfigName = name, ConfigSource = new ConfigSource { Ads = new AggregatedConfigSource() } },
                    HttpFilters = { new HttpFilter { Name = "envoy.filters.http.router", TypedConfig = Any.Pack(new Router()) } },
                }),
            },
        },
    };

    public static Listener Listener(int port, params FilterChain[] chains) => new()
    {
        Name = "chains",
        Address = new Address { SocketAddress = new SocketAddress { Address = "127.0.0.1", PortValue = (uint)port } },
        TrafficDirection = TrafficDirection.Outbound,
        FilterChains = { chains },
    };

    public static ListenerFilter TlsInspectorFilter() => new()
    {
        Name = "envoy.filters.listener.tls_inspector",
        TypedConfig = Any.Pack(new global::Envoy.Extensions.Filters.Listener.TlsInspector.V3.TlsInspector()),
    };

    public static ListenerFilter HttpInspectorFilter() => new()
    {
        Name = "envoy.filters.listener.http_inspector",
        TypedConfig = Any.Pack(new global::Envoy.Extensions.Filters.Listener.HttpInspector.V3.HttpInspector()),
    };

    public static CidrRange Cidr(string prefix, uint length) => new() { AddressPrefix = prefix, PrefixLen = length };

    public static ListenerModel Compile(Listener listener) => ListenerCompiler.Compile(listener, new Trellis.Proxy.Secrets.SecretStore())!;
}
