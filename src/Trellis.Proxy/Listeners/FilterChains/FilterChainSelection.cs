using System.Net;
using Microsoft.AspNetCore.Connections;
using Trellis.Proxy.Authorization;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Tunnels;

namespace Trellis.Proxy.Listeners.FilterChains;

/// <summary>Gives each connection its filter chain once, before anything reads its bytes: the listener filters
/// inspect the first bytes, the connection is matched against the chains, the chain's transport socket takes the
/// connection, and the choice stays with the connection as a <see cref="SelectedFilterChain"/>. A connection no chain
/// takes is closed without a word: its bytes may be TLS, which no HTTP answer would reach.</summary>
internal static class FilterChainSelection
{
    /// <summary>For a bound listener: runs first on every accepted connection.</summary>
    public static Func<ConnectionDelegate, ConnectionDelegate> ForListener(SnapshotHolder snapshots, Func<string> listenerName) => next => connection =>
    {
        // A listener no longer in the snapshot is draining: its requests are answered as such.
        if (!snapshots.Current.Listeners.TryGetValue(listenerName(), out var listener)) return next(connection);
        return SelectAsync(connection, listener, connection.LocalEndPoint as IPEndPoint, connection.RemoteEndPoint as IPEndPoint, next);
    };

    /// <summary>For the bytes of a terminated CONNECT tunnel, which belong to an internal listener from then on: runs
    /// after the CONNECT middleware and matches those bytes against the internal listener's chains. Such a
    /// connection has no IP addresses of its own, as an Envoy internal connection has none.</summary>
    public static Func<ConnectionDelegate, ConnectionDelegate> ForTunnels(SnapshotHolder snapshots) => next => connection =>
    {
        if (connection.Features.Get<TunnelledListenerFeature>() is not { } tunnelled) return next(connection);
        // The outer listener's chain says nothing about the internal listener.
        connection.Features.Set<SelectedFilterChain>(null);
        if (!snapshots.Current.Listeners.TryGetValue(tunnelled.ListenerName, out var listener)) return next(connection);
        return SelectAsync(connection, listener, null, null, next);
    };

    private static Task SelectAsync(ConnectionContext connection, ListenerModel listener, IPEndPoint? local, IPEndPoint? remote, ConnectionDelegate next)
    {
        if (listener.FixedChain is { } only)
        {
            connection.Features.Set(only);
            return only.Chain.NetworkRbac.Count == 0 ? next(connection) : AdmitAsync(connection, only.Chain, new ConnectionFacts(local, remote), next);
        }
        return InspectAndSelectAsync(connection, listener, new ConnectionFacts(local, remote), next);
    }

    private static async Task InspectAndSelectAsync(ConnectionContext connection, ListenerModel listener, ConnectionFacts facts, ConnectionDelegate next)
    {
        if (!await listener.ListenerFilters.InspectAsync(connection, facts) || listener.FilterChains.Select(facts) is not { } chain
            || !await chain.TransportSocket.AcceptAsync(connection, connection.ConnectionClosed))
        {
            connection.Abort();
            return;
        }
        connection.Features.Set(new SelectedFilterChain(listener.FilterChains, chain));
        await AdmitAsync(connection, chain, facts, next);
    }

    /// <summary>The chain's network RBAC filters decide once, before any byte is read: a denied connection is closed
    /// (after delay_deny, which keeps a denied client from retrying in a tight loop).</summary>
    private static async Task AdmitAsync(ConnectionContext connection, FilterChainModel chain, ConnectionFacts facts, ConnectionDelegate next)
    {
        if (!NetworkRbacPolicy.AdmitAll(chain.NetworkRbac, connection, facts.Local?.Address, facts.Local?.Port ?? 0, facts.Remote, facts.ServerName, out var denier, out _))
        {
            if (denier!.DelayDeny > TimeSpan.Zero) await Task.Delay(denier.DelayDeny, connection.ConnectionClosed).ContinueWith(static _ => { });
            connection.Abort();
            return;
        }
        await next(connection);
    }
}
