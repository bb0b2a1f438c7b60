using Google.Protobuf.WellKnownTypes;
using Trellis.ControlPlane.Mesh;

namespace Trellis.ControlPlane.Translation;

/// <summary>How long a TCP connection to a service may stay silent and how long it may live, from its DestinationRule's
/// top-level <c>connectionPool.tcp</c> (<c>idleTimeout</c>, <c>maxConnectionDuration</c>) as Istio writes them into
/// tcp_proxy; null where the rule leaves the proxy's default.</summary>
internal readonly record struct TcpConnectionLimits(Duration? Idle, Duration? MaxDuration)
{
    public static TcpConnectionLimits Of(MeshModel mesh, ServiceModel service, ProxyNode client)
    {
        var tcp = DestinationRules.For(mesh, service, DestinationRules.ClientOf(client))?.TcpProxySettings;
        return new TcpConnectionLimits(
            tcp?.IdleTimeout is { } idle ? Duration.FromTimeSpan(idle) : null,
            tcp?.MaxConnectionDuration is { } max ? Duration.FromTimeSpan(max) : null);
    }
}
