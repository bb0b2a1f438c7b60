using System.Globalization;
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

    public const string InboundPortKey = "TRELLIS_INBOUND_PORT";
    public const string OutboundPortKey = "TRELLIS_OUTBOUND_PORT";
    public const string AppPortKey = "TRELLIS_APP_PORT";
    public const string ContainerPortKey = "TRELLIS_CONTAINER_PORT";
    public const string HttpPortKey = "TRELLIS_HTTP_PORT";
    public const string HttpAddressKey = "TRELLIS_HTTP_ADDRESS";
    public const string AdminPortKey = "TRELLIS_ADMIN_PORT";

    /// <summary>Istio node ids ("type~ip~pod.namespace~domain") name sidecars and gateways; anything
    /// else (for example a gRPC client's id) is a proxyless client.</summary>
    public static ProxyNode From(string id, IReadOnlyDictionary<string, string> metadata, IReadOnlyDictionary<string, string> labels)
    {
        var istio = IstioNodeId.TryParse(id);
        var kind = istio?.Type switch
        {
            IstioNodeId.Sidecar => ProxyKind.Sidecar,
            IstioNodeId.Router => ProxyKind.Router,
            _ => ProxyKind.Proxyless,
        };
        var ns = metadata.GetValueOrDefault("NAMESPACE") ?? istio?.Namespace ?? "default";
        var pod = istio?.PodName ?? metadata.GetValueOrDefault("NAME") ?? id;
        return new ProxyNode(id, kind, ns, pod, labels, metadata);
    }
}

/// <summary>The roles a proxy can play; each gets a different set of listeners.</summary>
internal enum ProxyKind
{
    Sidecar,
    Router,
    Proxyless,
}
