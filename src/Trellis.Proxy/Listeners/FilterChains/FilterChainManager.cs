using System.Net;
using SourceType = Envoy.Config.Listener.V3.FilterChainMatch.Types.ConnectionSourceType;

namespace Trellis.Proxy.Listeners.FilterChains;

/// <summary>A listener's filter chains and how a connection finds its own, as Envoy's filter chain manager does: the
/// criteria are taken in Envoy's documented order (destination port, destination IP, server name, transport protocol,
/// application protocols, direct source IP, source type, source IP, source port); at each step only the chains that
/// match the connection most specifically go on, and a step never reconsiders chains an earlier step left behind.
/// No chain left means the default chain, or none. The compiler has refused chains that could tie.</summary>
internal sealed class FilterChainManager
{
    private delegate int Score(FilterChainMatchModel match, ConnectionFacts facts);

    /// <summary>The steps in Envoy's order. A score says how specifically a chain matches: -1 not at all, 0 for a
    /// chain that leaves the criterion open, higher for closer matches.</summary>
    private static readonly Score[] Steps =
    [
        static (m, f) => m.DestinationPort is not { } port ? 0 : f.Local?.Port == port ? 1 : -1,
        static (m, f) => Prefix(m.PrefixRanges, f.Local?.Address),
        static (m, f) => ServerName(m.ServerNames, f.ServerName),
        static (m, f) => m.TransportProtocol is null ? 0 : m.TransportProtocol == f.TransportProtocol ? 1 : -1,
        static (m, f) => ApplicationProtocol(m.ApplicationProtocols, f.ApplicationProtocols),
        static (m, f) => Prefix(m.DirectSourcePrefixRanges, f.Remote?.Address),
        static (m, f) => m.SourceType switch
        {
            SourceType.SameIpOrLoopback => f.IsLocal ? 1 : -1,
            SourceType.External => f.IsLocal ? -1 : 1,
            _ => 0,
        },
        static (m, f) => Prefix(m.SourcePrefixRanges, f.Remote?.Address),
        static (m, f) => m.SourcePorts.Count == 0 ? 0 : f.Remote is { } remote && m.SourcePorts.Contains(remote.Port) ? 1 : -1,
    ];

    public IReadOnlyList<FilterChainModel> Chains { get; }
    public FilterChainModel? Default { get; }

    /// <summary>The chain of every connection when nothing about a connection can change it (one plaintext chain that
    /// matches everything, or only a plaintext default chain); null when connections must be matched.</summary>
    public SelectedFilterChain? Fixed { get; }

    public FilterChainManager(IReadOnlyList<FilterChainModel> chains, FilterChainModel? defaultChain)
    {
        Chains = chains;
        Default = defaultChain;
        var only = chains switch
        {
            [var one] when one.Match.MatchesEverything => one,
            [] => defaultChain,
            _ => null,
        };
        if (only is { TransportSocket.IsPlaintext: true }) Fixed = new SelectedFilterChain(this, only);
    }

    /// <summary>The chain that serves a connection with these facts, or null when the connection must be closed.</summary>
    public FilterChainModel? Select(ConnectionFacts facts)
    {
        var candidates = new List<FilterChainModel>(Chains);
        var scores = new int[candidates.Count];
        foreach (var step in Steps)
        {
            var best = -1;
            for (var i = 0; i < candidates.Count; i++)
            {
                scores[i] = step(candidates[i].Match, facts);
                best = Math.Max(best, scores[i]);
            }
            if (best < 0) return Default;
            var kept = 0;
            for (var i = 0; i < candidates.Count; i++)
                if (scores[i] == best) candidates[kept++] = candidates[i];
            candidates.RemoveRange(kept, candidates.Count - kept);
        }
        return candidates[0];
    }

    /// <summary>The chain of this name (a connection's chain after a push), or null when it is gone.</summary>
    public FilterChainModel? Find(string name)
    {
        foreach (var chain in Chains)
            if (chain.Name == name) return chain;
        return Default?.Name == name ? Default : null;
    }

    /// <summary>The longest configured prefix that contains the address; a chain without ranges matches any address
    /// (and one without an IP address, such as an internal connection) least specifically.</summary>
    private static int Prefix(IReadOnlyList<IPNetwork> ranges, IPAddress? address)
    {
        if (ranges.Count == 0) return 0;
        if (address is null) return -1;
        var best = -1;
        foreach (var range in ranges)
            if (range.Contains(address)) best = Math.Max(best, range.PrefixLength + 1);
        return best;
    }

    /// <summary>An exact name beats any wildcard, and a longer wildcard suffix beats a shorter one ("*.example.com"
    /// before "*.com"), as Envoy tries them.</summary>
    private static int ServerName(IReadOnlyList<string> names, string requested)
    {
        if (names.Count == 0) return 0;
        var best = -1;
        foreach (var name in names)
        {
            if (name == requested) return int.MaxValue;
            if (name[0] != '*') continue;
            var suffix = name.AsSpan(1);
            // The wildcard stands for at least one character; "*.example.com" does not match "example.com".
            if (requested.Length > suffix.Length && requested.AsSpan().EndsWith(suffix, StringComparison.Ordinal)) best = Math.Max(best, suffix.Length);
        }
        return best;
    }

    /// <summary>The client's protocols are tried in its order: the first one any chain names wins.</summary>
    private static int ApplicationProtocol(IReadOnlyList<string> wanted, IReadOnlyList<string> offered)
    {
        if (wanted.Count == 0) return 0;
        for (var i = 0; i < offered.Count; i++)
            if (wanted.Contains(offered[i])) return offered.Count - i;
        return -1;
    }
}
