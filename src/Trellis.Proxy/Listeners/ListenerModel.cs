using Envoy.Config.Core.V3;
using Trellis.Proxy.Listeners.FilterChains;
using Trellis.Proxy.Listeners.ListenerFilters;

namespace Trellis.Proxy.Listeners;

/// <summary>A listener the proxy runs: its socket (none for an internal listener, which only takes
/// connections the proxy hands it, such as terminated CONNECT tunnels), the listener filters that look at each new
/// connection, and the filter chains one of which serves it.</summary>
internal sealed record ListenerModel(string Name, string? Address, int Port, TrafficDirection Direction, FilterChainManager FilterChains, ListenerFilterSet ListenerFilters)
{
    public bool IsInternal => Address is null;

    /// <summary>What must change for the socket to be re-bound.</summary>
    public string BindKey => IsInternal ? "internal:" + Name : $"{Address}:{Port}";

    /// <summary>The chain of every connection when there is nothing to look at or choose from; null when each
    /// connection must be inspected and matched.</summary>
    public SelectedFilterChain? FixedChain => ListenerFilters.Filters.Count == 0 ? FilterChains.Fixed : null;
}
