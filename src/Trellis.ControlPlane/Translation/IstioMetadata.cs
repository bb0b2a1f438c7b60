using Envoy.Config.Core.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.ControlPlane.Mesh;
using Trellis.ControlPlane.Translation.Mtls;

namespace Trellis.ControlPlane.Translation;

/// <summary>The "istio" filter metadata Istio attaches to clusters and endpoints; proxies read it
/// to label telemetry with destination service and workload.</summary>
internal static class IstioMetadata
{
    public static Metadata ForService(ServiceModel service, string? subset)
    {
        var entry = new Struct();
        entry.Fields["host"] = Value.ForString(service.Fqdn);
        entry.Fields["name"] = Value.ForString(service.Name);
        entry.Fields["namespace"] = Value.ForString(service.Namespace);
        var istio = new Struct();
        istio.Fields["services"] = Value.ForList(Value.ForStruct(entry));
        if (subset is not null) istio.Fields["subset"] = Value.ForString(subset);
        var metadata = new Metadata();
        metadata.FilterMetadata["istio"] = istio;
        return metadata;
    }

    /// <summary>"name;namespace;canonical-service;canonical-revision;cluster", Istio's encoding; and, for an endpoint
    /// that accepts Istio mutual TLS, the <c>tlsMode: istio</c> that auto mTLS matches on.</summary>
    public static Metadata ForWorkload(WorkloadModel workload, bool istioMutualTls = false)
    {
        var istio = new Struct();
        istio.Fields["workload"] = Value.ForString(
            $"{workload.WorkloadName};{workload.Namespace};{workload.App};{workload.Version};Kubernetes");
        var metadata = new Metadata();
        metadata.FilterMetadata["istio"] = istio;
        if (istioMutualTls)
        {
            var match = new Struct();
            match.Fields[AutoMtls.TlsModeKey] = Value.ForString(AutoMtls.IstioTlsMode);
            metadata.FilterMetadata[AutoMtls.MatchNamespace] = match;
        }
        return metadata;
    }
}
