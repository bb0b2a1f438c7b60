using Trellis.Proxy.Outbound.Endpoint;

namespace Trellis.Proxy.Clusters;

/// <summary>One upstream endpoint: where to send requests and which workload answers there. An endpoint
/// with an <paramref name="InternalListener"/> is one of this proxy's internal listeners, not a socket.</summary>
/// <param name="TransportSocket">The socket a cluster's transport_socket_matches picked for it; null for the cluster's own.</param>
internal sealed record EndpointModel(string Host, int Port, bool Healthy, uint Weight, WorkloadInfo? Workload, string? InternalListener = null,
    IUpstreamTransportSocket? TransportSocket = null)
{
    /// <summary>"host:port", with IPv6 hosts bracketed.</summary>
    public string Authority { get; } = InternalListener is not null ? $"internal listener \"{InternalListener}\""
        : Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <summary>The destination prefix handed to the forwarder.</summary>
    public string HttpPrefix { get; } = Host.Contains(':') ? $"http://[{Host}]:{Port}" : $"http://{Host}:{Port}";

    /// <summary>What connections to this endpoint speak: its matched socket, else the cluster's.</summary>
    public IUpstreamTransportSocket SocketIn(ClusterModel cluster) => TransportSocket ?? cluster.TransportSocket;
}

/// <summary>Istio's endpoint workload metadata, "name;namespace;canonical-service;canonical-revision;cluster".</summary>
internal sealed record WorkloadInfo(string Name, string Namespace, string CanonicalService, string CanonicalRevision, string Cluster)
{
    public static WorkloadInfo? Parse(string? encoded)
    {
        if (string.IsNullOrEmpty(encoded) || encoded.Length > 1024) return null;
        var parts = encoded.Split(';');
        string At(int i) => i < parts.Length && parts[i].Length > 0 ? parts[i] : "unknown";
        return new WorkloadInfo(At(0), At(1), At(2), At(3), At(4));
    }
}

/// <summary>The service a cluster belongs to, from its "istio.services" metadata.</summary>
internal sealed record ServiceInfo(string Host, string Name, string Namespace);
