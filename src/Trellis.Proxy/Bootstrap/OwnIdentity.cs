using Trellis.Proxy.Telemetry;

namespace Trellis.Proxy.Bootstrap;

/// <summary>Who this proxy speaks for: its node id, telemetry identity and the peer header it sends.</summary>
internal sealed record OwnIdentity(string NodeId, PeerIdentity Workload, string PeerHeader)
{
    public static OwnIdentity From(ProxyOptions o) => new(
        o.NodeId,
        PeerIdentity.FromLabels(o.WorkloadName, o.Namespace, o.ServiceAccount, o.Labels),
        PeerMetadata.Encode(o.Namespace, o.WorkloadName, o.PodName, o.ServiceAccount, o.Labels));
}
