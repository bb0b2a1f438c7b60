using System.Globalization;
using Trellis.ControlPlane.Inputs;
using Trellis.Xds.Server;

namespace Trellis.ControlPlane.Translation;

/// <summary>What the control plane knows about a connected proxy from its xDS node: its kind,
/// identity and (in local mode) the loopback ports it was given.</summary>
internal sealed record ProxyNode(
    string Id,
    ProxyKind Kind,
    string Namespace,
    string PodName,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Metadata)
{
    public int? Port(string key) =>
        Metadata.TryGetValue(key, out var v) && int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : null;

    public const string InboundPortKey = NodeMetadataKeys.InboundPort;
    public const string OutboundPortKey = NodeMetadataKeys.OutboundPort;
    public const string AppPortKey = NodeMetadataKeys.AppPort;
    public const string ContainerPortKey = NodeMetadataKeys.ContainerPort;
    public const string HttpPortKey = NodeMetadataKeys.HttpPort;
    public const string HttpsPortKey = NodeMetadataKeys.HttpsPort;
    public const string HttpAddressKey = NodeMetadataKeys.HttpAddress;
    public const string AdminPortKey = NodeMetadataKeys.AdminPort;

    /// <summary>The node metadata key naming the config generator a client wants, as in Istio's bootstrap.</summary>
    public const string GeneratorKey = "GENERATOR";

    /// <summary>The generator Istio's agent announces for proxyless gRPC clients.</summary>
    public const string GrpcGenerator = "grpc";

    /// <summary>As istiod: metadata <c>GENERATOR: grpc</c> makes a proxyless gRPC client whatever its id says
    /// (Istio's agent writes such clients a <c>sidecar~IP~pod.ns~ns.svc.cluster.local</c> id); otherwise the type
    /// in an Istio id ("type~ip~pod.namespace~domain") names a sidecar or gateway. An id of any other shape
    /// cannot be a sidecar or gateway, so it is served as a proxyless client too.</summary>
    public static ProxyNode From(string id, IReadOnlyDictionary<string, string> metadata, IReadOnlyDictionary<string, string> labels)
    {
        var istio = IstioNodeId.TryParse(id);
        var kind = metadata.GetValueOrDefault(GeneratorKey) == GrpcGenerator
            ? ProxyKind.ProxylessGrpc
            : istio?.Type switch
            {
                IstioNodeId.Sidecar => ProxyKind.Sidecar,
                IstioNodeId.Router => ProxyKind.Router,
                _ => ProxyKind.ProxylessGrpc,
            };
        var ns = metadata.GetValueOrDefault("NAMESPACE") ?? istio?.Namespace ?? "default";
        var pod = istio?.PodName ?? metadata.GetValueOrDefault("NAME") ?? id;
        return new ProxyNode(id, kind, ns, pod, labels, metadata);
    }
}
