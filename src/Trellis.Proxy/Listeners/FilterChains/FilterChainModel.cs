using Trellis.Proxy.Listeners.TransportSockets;

namespace Trellis.Proxy.Listeners.FilterChains;

/// <summary>One of a listener's filter chains: which connections it takes, how their bytes are secured, and the
/// network filter that serves them (the HTTP connection manager, the only one so far).</summary>
/// <param name="Name">Envoy's FilterChain.name, or one made from the chain's place in the listener when it has none.</param>
internal sealed record FilterChainModel(string Name, FilterChainMatchModel Match, IDownstreamTransportSocket TransportSocket, HttpConnectionManagerModel Hcm)
{
    /// <summary>The envoy.filters.network.rbac filters in front of the connection manager, in order.</summary>
    public IReadOnlyList<Authorization.NetworkRbacPolicy> NetworkRbac { get; init; } = [];
}
