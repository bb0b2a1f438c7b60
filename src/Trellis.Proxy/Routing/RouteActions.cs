using System.Text.RegularExpressions;

namespace Trellis.Proxy.Routing;

/// <summary>What a matched route does: forward to a cluster, redirect, or answer directly.</summary>
internal abstract record RouteActionModel;

/// <summary>One cluster a forwarding route may pick, with the headers that apply when it is picked.</summary>
internal sealed record ClusterChoice(string Name, uint Weight, HeaderMutations RequestHeaders, HeaderMutations ResponseHeaders, string? HostRewrite);

/// <summary>Forwarding: a single cluster, a cluster named by a header, or a weighted split.</summary>
/// <param name="TunnelIdleTimeout">For the CONNECT tunnels the route carries: its idle_timeout (see <see cref="Tunnels.TunnelPump.IdleTimeoutOf"/>).</param>
/// <param name="TunnelMaxDuration">For the CONNECT tunnels the route carries: its max_stream_duration, null for none.</param>
/// <param name="MirrorPolicies">The route's request_mirror_policies.</param>
internal sealed record ForwardAction(
    IReadOnlyList<ClusterChoice> Clusters,
    uint TotalWeight,
    string? ClusterHeader,
    string? PrefixRewrite,
    (Regex Pattern, string Substitution)? RegexRewrite,
    string? HostRewrite,
    TimeSpan? Timeout,
    RetryPolicyModel? Retry,
    int ClusterNotFoundStatus,
    HashPolicies Hashing,
    ConnectUpgrade Connect = ConnectUpgrade.Inherit,
    TimeSpan? TunnelIdleTimeout = null,
    TimeSpan? TunnelMaxDuration = null,
    MirrorPolicy[]? MirrorPolicies = null) : RouteActionModel
{
    /// <summary>The clusters that get a copy of the request (request_mirror_policies); empty for most routes.</summary>
    public MirrorPolicy[] Mirrors { get; } = MirrorPolicies ?? [];

    /// <summary>Picks a cluster for a draw in [0, TotalWeight): the first whose cumulative weight exceeds it.</summary>
    public ClusterChoice Pick(uint draw)
    {
        if (Clusters.Count == 1) return Clusters[0];
        uint cumulative = 0;
        foreach (var c in Clusters)
        {
            cumulative += c.Weight;
            if (draw < cumulative) return c;
        }
        return Clusters[^1];
    }

    public ClusterChoice Pick(Random random) => Pick(TotalWeight <= 1 ? 0 : (uint)random.NextInt64(TotalWeight));

    /// <summary>The cluster for one request: named by <see cref="ClusterHeader"/>, or drawn by weight.</summary>
    public ClusterChoice Choose(Microsoft.AspNetCore.Http.HttpRequest request) => ClusterHeader is { } header
        ? new ClusterChoice(request.Headers[header].ToString(), 1, HeaderMutations.None, HeaderMutations.None, null)
        : Pick(Random.Shared);
}

/// <summary>What a route does with a CONNECT request, from its "CONNECT" upgrade_config.</summary>
internal enum ConnectUpgrade
{
    /// <summary>The route says nothing: the connection manager's upgrade_configs decide, and CONNECT is forwarded.</summary>
    Inherit,

    /// <summary>The route turns CONNECT off.</summary>
    Disabled,

    /// <summary>The CONNECT request itself is sent upstream, which answers it.</summary>
    Forward,

    /// <summary>connect_config: the proxy answers the CONNECT and sends the tunnelled bytes upstream.</summary>
    Terminate,
}

/// <summary>An HTTP redirect built from the request.</summary>
internal sealed record RedirectActionModel(
    int Status,
    string? Scheme,
    string? Host,
    uint Port,
    string? PathRedirect,
    string? PrefixRewrite,
    (Regex Pattern, string Substitution)? RegexRewrite,
    bool StripQuery) : RouteActionModel;

/// <summary>A fixed reply.</summary>
internal sealed record DirectResponseModel(int Status, byte[] Body) : RouteActionModel;
