using Envoy.Config.Cluster.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.Config.Model.Networking;

namespace Trellis.ControlPlane.Translation.Mtls;

/// <summary>Istio's auto mTLS and DestinationRule TLS on an outbound cluster. With <c>tls</c> set, it alone decides
/// the cluster's transport socket. Without, the cluster carries two transport_socket_matches: endpoints whose
/// metadata says <c>tlsMode: istio</c> (they run a sidecar that accepts mutual TLS) get ISTIO_MUTUAL, every other
/// endpoint plaintext. With MeshConfig <c>enableAutoMtls: false</c> a cluster without <c>tls</c> is plaintext, as in Istio.</summary>
internal static class AutoMtls
{
    /// <summary>The endpoint filter metadata namespace Envoy matches transport_socket_matches against.</summary>
    public const string MatchNamespace = "envoy.transport_socket_match";
    public const string TlsModeKey = "tlsMode";
    public const string IstioTlsMode = "istio";
    public const string DisabledTlsMode = "disabled";

    public static void ApplyTo(Cluster cluster, ClientTlsSettings? explicitTls, string sni, IReadOnlyList<string> identities, bool http2, bool autoMtls = true)
    {
        if (explicitTls is not null)
        {
            if (ClientTls.Socket(explicitTls, sni, identities, http2) is { } socket) cluster.TransportSocket = socket;
            return;
        }
        if (!autoMtls) return;
        var istio = new Struct();
        istio.Fields[TlsModeKey] = Value.ForString(IstioTlsMode);
        cluster.TransportSocketMatches.Add(new Cluster.Types.TransportSocketMatch
        {
            Name = $"{TlsModeKey}-{IstioTlsMode}",
            Match = istio,
            TransportSocket = TransportSockets.Tls(IstioMutualTls.Context(sni, identities)),
        });
        cluster.TransportSocketMatches.Add(new Cluster.Types.TransportSocketMatch
        {
            Name = $"{TlsModeKey}-{DisabledTlsMode}",
            Match = new Struct(),
            TransportSocket = TransportSockets.RawBuffer(),
        });
    }
}
