using Trellis.Config.Model;
using Trellis.Config.Model.Core;
using Trellis.Config.Semantics;

namespace Trellis.ControlPlane.Mesh;

/// <summary>Builds the mesh view of a Kubernetes Service, including Istio's protocol selection.</summary>
internal static class ServiceFactory
{
    /// <param name="exportToDefaults">The mesh config's defaults: a Service without the exportTo annotation takes defaultServiceExportTo.</param>
    public static ServiceModel From(Resource resource, ExportToDefaults exportToDefaults)
    {
        var spec = resource.SpecAs<ServiceSpec>() ?? new ServiceSpec();
        var ports = (spec.Ports ?? [])
            .Where(p => p.Port is not null)
            .Select(p => new ServicePortModel(
                p.Name ?? "",
                p.Port!.Value,
                p.TargetPort?.Int ?? p.Port.Value,
                Protocol(p),
                DeclaresHttp1(p)))
            .ToList();
        return new ServiceModel(
            resource.Metadata.Name,
            resource.Metadata.Namespace ?? "default",
            ports,
            spec.Selector ?? (IReadOnlyDictionary<string, string>)new Dictionary<string, string>(),
            ExportTo.OfService(resource.Metadata) ?? exportToDefaults.Service);
    }

    private static bool DeclaresHttp1(ServicePort port) =>
        (port.AppProtocol ?? port.Name ?? "").Split('-', 2)[0].Equals("http", StringComparison.OrdinalIgnoreCase);

    /// <summary>Istio's explicit protocol selection: appProtocol, else the port name's prefix
    /// ("http-web", "grpc"); anything else is treated as HTTP by local-mode sidecars.</summary>
    private static string Protocol(ServicePort port)
    {
        var declared = port.AppProtocol ?? port.Name ?? "";
        var prefix = declared.Split('-', 2)[0].ToLowerInvariant();
        return prefix switch
        {
            "grpc" or "grpc-web" or "http2" or "kubernetes.io/h2c" => prefix == "kubernetes.io/h2c" ? "http2" : prefix,
            "tcp" or "tls" or "https" or "mongo" or "mysql" or "redis" => prefix,
            _ => "http",
        };
    }
}
