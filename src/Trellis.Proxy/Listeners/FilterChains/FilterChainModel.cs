using Trellis.Proxy.Listeners.TcpProxy;
using Trellis.Proxy.Listeners.TransportSockets;

namespace Trellis.Proxy.Listeners.FilterChains;

/// <summary>One of a listener's filter chains: which connections it takes, how their bytes are secured, and the
/// network filter that serves them: the HTTP connection manager, or tcp_proxy.</summary>
/// <param name="Name">Envoy's FilterChain.name, or one made from the chain's place in the listener when it has none.</param>
/// <param name="Hcm">The HTTP connection manager; for a tcp_proxy chain, only the settings its completion records read.</param>
internal sealed record FilterChainModel(string Name, FilterChainMatchModel Match, IDownstreamTransportSocket TransportSocket, HttpConnectionManagerModel Hcm)
{
    /// <summary>Set when the chain's terminal network filter is tcp_proxy: its connections never reach HTTP.</summary>
    public TcpProxyModel? TcpProxy { get; init; }

    /// <summary>The envoy.filters.network.rbac filters in front of the terminal filter, in order.</summary>
    public IReadOnlyList<Authorization.NetworkRbacPolicy> NetworkRbac { get; init; } = [];
}
