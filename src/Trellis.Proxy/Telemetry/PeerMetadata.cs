using Google.Protobuf;
using System.Collections.Concurrent;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Http;

namespace Trellis.Proxy.Telemetry;

/// <summary>Istio's metadata exchange over HTTP headers: the outbound sidecar tells the inbound one
/// who is calling (a base64 protobuf Struct), and the inbound side strips it before the app sees it.</summary>
internal static class PeerMetadata
{
    public const string IdHeader = "x-envoy-peer-metadata-id";
    public const string Header = "x-envoy-peer-metadata";
    private const int MaxEncodedLength = 8 * 1024;
    private const int MaxCachedPeers = 1024;

    // A caller sends the same header on every request: decode it once. Bounded, since the header is client input.
    private static readonly ConcurrentDictionary<string, PeerIdentity?> Decoded = new(StringComparer.Ordinal);

    /// <summary>Tells the destination sidecar who is calling, on requests (and CONNECTs) leaving for a mesh
    /// cluster; inbound traffic and passthrough destinations outside the mesh get nothing.</summary>
    public static void Stamp(Forwarding.RequestContext context, Bootstrap.OwnIdentity own)
    {
        if (context.IsInbound || context.Cluster?.IsOriginalDestination != false) return;
        var headers = context.Http.Request.Headers;
        headers[IdHeader] = own.NodeId;
        headers[Header] = own.PeerHeader;
    }

    public static string Encode(string @namespace, string workload, string pod, string? serviceAccount, IReadOnlyDictionary<string, string> labels)
    {
        var s = new Struct();
        s.Fields["NAMESPACE"] = Value.ForString(@namespace);
        s.Fields["WORKLOAD_NAME"] = Value.ForString(workload);
        s.Fields["NAME"] = Value.ForString(pod);
        if (serviceAccount is { Length: > 0 }) s.Fields["SERVICE_ACCOUNT"] = Value.ForString(serviceAccount);
        var l = new Struct();
        foreach (var (k, v) in labels) l.Fields[k] = Value.ForString(v);
        s.Fields["LABELS"] = Value.ForStruct(l);
        return Convert.ToBase64String(s.ToByteArray());
    }

    /// <summary>Reads and removes the peer headers; null when absent or malformed.</summary>
    public static PeerIdentity? TakeFrom(IHeaderDictionary headers)
    {
        var encoded = headers[Header].ToString();
        headers.Remove(Header);
        headers.Remove(IdHeader);
        if (encoded.Length is 0 or > MaxEncodedLength) return null;
        if (Decoded.TryGetValue(encoded, out var cached)) return cached;
        var peer = Decode(encoded);
        if (Decoded.Count < MaxCachedPeers) Decoded.TryAdd(encoded, peer);
        return peer;
    }

    private static PeerIdentity? Decode(string encoded)
    {
        try
        {
            var s = Struct.Parser.ParseFrom(Convert.FromBase64String(encoded));
            string? Field(string name) => s.Fields.TryGetValue(name, out var v) && v.KindCase == Value.KindOneofCase.StringValue ? v.StringValue : null;
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            if (s.Fields.TryGetValue("LABELS", out var lv) && lv.StructValue is { } ls)
                foreach (var (k, v) in ls.Fields)
                    if (v.KindCase == Value.KindOneofCase.StringValue) labels[k] = v.StringValue;
            var ns = Field("NAMESPACE") ?? "unknown";
            // Without mTLS the caller's service account is a claim, not an identity: Istio reports "unknown".
            return PeerIdentity.FromLabels(Field("WORKLOAD_NAME") ?? "unknown", ns, null, labels);
        }
        catch (Exception e) when (e is FormatException or InvalidProtocolBufferException)
        {
            return null;
        }
    }
}
