using System.Net;
using SourceType = Envoy.Config.Listener.V3.FilterChainMatch.Types.ConnectionSourceType;

namespace Trellis.Proxy.Listeners.FilterChains;

/// <summary>A compiled filter_chain_match: every criterion left empty (or null, or ANY) matches any connection.</summary>
/// <param name="ServerNames">Exact names and "*.suffix" wildcards.</param>
internal sealed record FilterChainMatchModel(
    int? DestinationPort,
    IReadOnlyList<IPNetwork> PrefixRanges,
    IReadOnlyList<string> ServerNames,
    string? TransportProtocol,
    IReadOnlyList<string> ApplicationProtocols,
    IReadOnlyList<IPNetwork> DirectSourcePrefixRanges,
    SourceType SourceType,
    IReadOnlyList<IPNetwork> SourcePrefixRanges,
    IReadOnlyList<int> SourcePorts)
{
    public static readonly FilterChainMatchModel Any = new(null, [], [], null, [], [], SourceType.Any, [], []);

    public bool MatchesEverything =>
        DestinationPort is null && PrefixRanges.Count == 0 && ServerNames.Count == 0 && TransportProtocol is null && ApplicationProtocols.Count == 0
        && DirectSourcePrefixRanges.Count == 0 && SourceType == SourceType.Any && SourcePrefixRanges.Count == 0 && SourcePorts.Count == 0;

    /// <summary>Envoy's rule for injecting tls_inspector when a listener lacks it: only that filter can satisfy this match.</summary>
    public bool NeedsTlsInspector =>
        TransportProtocol == "tls" || (TransportProtocol is null && (ServerNames.Count > 0 || ApplicationProtocols.Count > 0));
}
