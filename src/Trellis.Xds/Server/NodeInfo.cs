using Envoy.Config.Core.V3;
using Google.Protobuf.WellKnownTypes;

namespace Trellis.Xds.Server;

/// <summary>Who is on the other end of an ADS stream: the node it announced in its first request.</summary>
public sealed record NodeInfo(string Id, string Cluster, string UserAgent, IReadOnlyDictionary<string, string> Metadata, IReadOnlyDictionary<string, string> Labels)
{
    /// <summary>What the client's credential proved (see <see cref="IXdsClientAuthenticator"/>); anonymous unless an
    /// authenticator vouched for it. Only an authenticated node may be given secrets.</summary>
    public XdsClientIdentity Identity { get; init; } = XdsClientIdentity.Anonymous;

    /// <summary>The Istio-style parts of <see cref="Id"/>, when it has that shape.</summary>
    public IstioNodeId? IstioId { get; init; }

    /// <summary>Flattens the node's metadata: strings as they are, the nested LABELS struct separately, other values as
    /// JSON. Nothing else of the request is kept: a stream lives as long as its node, and thousands may be open.</summary>
    public static NodeInfo From(Node node)
    {
        var raw = node.Metadata ?? new Struct();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in raw.Fields)
        {
            if (key == "LABELS" && value.KindCase == Value.KindOneofCase.StructValue)
            {
                foreach (var (lk, lv) in value.StructValue.Fields)
                    if (lv.KindCase == Value.KindOneofCase.StringValue) labels[lk] = lv.StringValue;
                continue;
            }
            metadata[key] = value.KindCase switch
            {
                Value.KindOneofCase.StringValue => value.StringValue,
                Value.KindOneofCase.NumberValue => value.NumberValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Value.KindOneofCase.BoolValue => value.BoolValue ? "true" : "false",
                _ => value.ToString(),
            };
        }
        return new NodeInfo(node.Id, node.Cluster, $"{node.UserAgentName} {node.UserAgentVersion}".Trim(), metadata, labels)
        {
            IstioId = IstioNodeId.TryParse(node.Id),
        };
    }
}
