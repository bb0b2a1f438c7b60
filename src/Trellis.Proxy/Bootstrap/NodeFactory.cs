using Envoy.Config.Core.V3;
using Google.Protobuf.WellKnownTypes;

namespace Trellis.Proxy.Bootstrap;

/// <summary>Builds the xDS Node the control plane identifies this proxy by, with Istio's metadata keys.</summary>
internal static class NodeFactory
{
    public static Node Create(ProxyOptions o)
    {
        var metadata = new Struct();
        metadata.Fields["NAMESPACE"] = Value.ForString(o.Namespace);
        metadata.Fields["NAME"] = Value.ForString(o.PodName);
        metadata.Fields["WORKLOAD_NAME"] = Value.ForString(o.WorkloadName);
        metadata.Fields["SERVICE_ACCOUNT"] = Value.ForString(o.ServiceAccount);
        var labels = new Struct();
        foreach (var (k, v) in o.Labels) labels.Fields[k] = Value.ForString(v);
        metadata.Fields["LABELS"] = Value.ForStruct(labels);
        foreach (var (k, v) in o.ExtraMetadata) metadata.Fields[k] = Value.ForString(v);
        return new Node
        {
            Id = o.NodeId,
            Cluster = $"{o.WorkloadName}.{o.Namespace}",
            Metadata = metadata,
            UserAgentName = "trellis-proxy",
            UserAgentVersion = typeof(NodeFactory).Assembly.GetName().Version?.ToString() ?? "0",
        };
    }
}
