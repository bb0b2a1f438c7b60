using Trellis.Config;
namespace Trellis.ControlPlane.Mesh;

/// <summary>A Kubernetes Service as the mesh sees it: a name, ports, the pods it selects and the namespaces it is
/// exported to (its <c>networking.istio.io/exportTo</c> annotation, else the mesh config's defaultServiceExportTo;
/// null for every namespace).</summary>
internal sealed record ServiceModel(
    string Name,
    string Namespace,
    IReadOnlyList<ServicePortModel> Ports,
    IReadOnlyDictionary<string, string> Selector,
    IReadOnlyList<string>? ExportTo = null)
{
    public string Fqdn => HostName.Fqdn(Name, Namespace);

    /// <summary>True when proxies in <paramref name="clientNamespace"/> may see the service.</summary>
    public bool ExportedTo(string clientNamespace) => Config.Semantics.ExportTo.Allows(ExportTo, Everywhere, Namespace, clientNamespace);

    private static readonly string[] Everywhere = [Config.Semantics.ExportTo.Public];

    public bool Selects(IReadOnlyDictionary<string, string> podLabels) =>
        Selector.Count > 0 && Selector.All(kv => podLabels.TryGetValue(kv.Key, out var v) && v == kv.Value);
}

/// <summary>One port of a Service; <see cref="TargetPort"/> is the container port it forwards to.</summary>
/// <param name="DeclaredHttp1">The port says HTTP explicitly (name <c>http</c>/<c>http-*</c> or appProtocol <c>http</c>), so,
/// as in Istio, proxies speak HTTP/1.1 to it whatever the client spoke; other ports Istio would sniff follow the client.</param>
internal sealed record ServicePortModel(string Name, int Port, int TargetPort, string Protocol, bool DeclaredHttp1 = false)
{
    /// <summary>gRPC and HTTP/2 ports speak HTTP/2 between proxies, as Istio's protocol selection does.</summary>
    public bool IsHttp2 => Protocol is "grpc" or "http2" or "grpc-web";

    /// <summary>Opaque ports: their connections are routed as TCP, never parsed as HTTP.</summary>
    public bool IsTcp => Protocol is "tcp" or "tls" or "https" or "mongo" or "mysql" or "redis";
}
