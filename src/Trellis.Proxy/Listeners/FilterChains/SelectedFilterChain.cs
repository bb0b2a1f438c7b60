using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http.Features;
using Trellis.Proxy.Configuration;

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

    /// <summary>The listener and chain the connection's traffic runs through in <paramref name="snapshot"/>; false with
    /// why the connection is draining instead (its listener or its chain is no longer configured).</summary>
    public static bool TryResolve(ProxySnapshot snapshot, string listenerName, IFeatureCollection features,
        [NotNullWhen(true)] out ListenerModel? listener, [NotNullWhen(true)] out FilterChainModel? chain, [NotNullWhen(false)] out string? draining)
    {
        chain = null;
        draining = null;
        if (!snapshot.Listeners.TryGetValue(listenerName, out listener))
            draining = $"listener {listenerName} is draining: it is no longer configured";
        else if ((chain = In(features, listener)) is null)
            draining = $"listener {listenerName} is draining: the connection's filter chain is no longer configured";
        return draining is null;
    }
}
