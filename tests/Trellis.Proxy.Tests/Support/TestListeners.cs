using Envoy.Config.Core.V3;
using Trellis.Proxy.Listeners;
using Trellis.Proxy.Listeners.FilterChains;
using Trellis.Proxy.Listeners.ListenerFilters;
using Trellis.Proxy.Listeners.TransportSockets;

namespace Trellis.Proxy.Tests.Support;

/// <summary>Compiled listeners for tests that build a request context without a running proxy.</summary>
internal static class TestListeners
{
    /// <summary>A listener with one plaintext chain that takes every connection, as the control plane sends them.</summary>
    public static ListenerModel Plain(string name, int port, TrafficDirection direction, HttpConnectionManagerModel hcm) =>
        new(name, "127.0.0.1", port, direction,
            new FilterChainManager([new FilterChainModel("filter_chains[0]", FilterChainMatchModel.Any, PlaintextTransportSocket.Instance, hcm)], null),
            ListenerFilterSet.None);

    /// <summary>A sidecar's virtualInbound with an RDS connection manager and no HTTP filters.</summary>
    public static ListenerModel VirtualInbound { get; } = Plain("virtualInbound", 15006, TrafficDirection.Inbound,
        new HttpConnectionManagerModel("inbound", "inbound", null, [], true));

    /// <summary>A sidecar's virtualOutbound with an RDS connection manager and no HTTP filters.</summary>
    public static ListenerModel VirtualOutbound { get; } = Plain("virtualOutbound", 15001, TrafficDirection.Outbound,
        new HttpConnectionManagerModel("outbound", "outbound", null, [], true));

    public static FilterChainModel OnlyChain(this ListenerModel listener) => listener.FilterChains.Chains[0];
}
