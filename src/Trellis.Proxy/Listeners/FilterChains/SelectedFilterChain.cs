using Microsoft.AspNetCore.Http.Features;

namespace Trellis.Proxy.Listeners.FilterChains;

/// <summary>The connection feature that remembers which filter chain a connection was given. Requests read the chain
/// from the current snapshot's listener, so a push applies to open connections too: while the listener is the one
/// the chain was chosen from, the chain is taken as is; after a push it is looked up by name.</summary>
internal sealed record SelectedFilterChain(FilterChainManager Manager, FilterChainModel Chain)
{
    /// <summary>The connection's chain in <paramref name="listener"/>, or null when it no longer exists there
    /// (or the connection never got one): then the connection is draining.</summary>
    public static FilterChainModel? In(IFeatureCollection features, ListenerModel listener)
    {
        if (features.Get<SelectedFilterChain>() is not { } selected) return null;
        return ReferenceEquals(selected.Manager, listener.FilterChains) ? selected.Chain : listener.FilterChains.Find(selected.Chain.Name);
    }
}
