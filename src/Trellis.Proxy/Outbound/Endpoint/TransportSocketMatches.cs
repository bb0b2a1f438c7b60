using Envoy.Config.Cluster.V3;
using Envoy.Config.Core.V3;
using Google.Protobuf.WellKnownTypes;

namespace Trellis.Proxy.Outbound.Endpoint;

/// <summary>Cluster.transport_socket_matches: an endpoint whose "envoy.transport_socket_match" metadata holds every
/// field of a match (an empty match holds for all) uses that match's socket, the first that holds; any other endpoint
/// uses the cluster's transport_socket. Istio's auto mTLS: tlsMode "istio" endpoints get mTLS, the rest plaintext.</summary>
internal sealed class TransportSocketMatches
{
    public const string MetadataKey = "envoy.transport_socket_match";

    public static readonly TransportSocketMatches None = new([]);

    private readonly (Struct Match, IUpstreamTransportSocket Socket)[] _matches;

    private TransportSocketMatches((Struct, IUpstreamTransportSocket)[] matches) => _matches = matches;

    public bool IsEmpty => _matches.Length == 0;

    public static TransportSocketMatches Compile(Cluster cluster, Secrets.SecretStore secrets, string where)
    {
        if (cluster.TransportSocketMatches.Count == 0) return None;
        var matches = new (Struct, IUpstreamTransportSocket)[cluster.TransportSocketMatches.Count];
        for (var i = 0; i < matches.Length; i++)
        {
            var m = cluster.TransportSocketMatches[i];
            var name = m.Name.Length > 0 ? m.Name : i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            matches[i] = (m.Match ?? new Struct(), UpstreamTransportSockets.From(m.TransportSocket, secrets, $"{where} transport_socket_matches[{name}]"));
        }
        return new TransportSocketMatches(matches);
    }

    /// <summary>The socket for an endpoint with this metadata, or null for the cluster's own.</summary>
    public IUpstreamTransportSocket? For(Metadata? metadata)
    {
        Struct? labels = null;
        metadata?.FilterMetadata.TryGetValue(MetadataKey, out labels);
        foreach (var (match, socket) in _matches)
            if (Holds(match, labels)) return socket;
        return null;
    }

    private static bool Holds(Struct match, Struct? labels)
    {
        foreach (var (key, wanted) in match.Fields)
            if (labels is null || !labels.Fields.TryGetValue(key, out var actual) || !actual.Equals(wanted)) return false;
        return true;
    }
}
