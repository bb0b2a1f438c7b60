namespace Trellis.ControlPlane.Translation;

/// <summary>Istio's cluster naming, so dashboards, config dumps and habits carry over.</summary>
internal static class ClusterNames
{
    public static string Outbound(int port, string? subset, string fqdn) => $"outbound|{port}|{subset}|{fqdn}";

    public static string Inbound(int port) => $"inbound|{port}||";

    public const string Passthrough = "PassthroughCluster";
    public const string BlackHole = "BlackHoleCluster";

    public const string OutboundRoute = "outbound";
    public const string OutboundListener = "virtualOutbound";

    /// <summary>The internal listener (and the cluster leading to it) that serves HTTP arriving through CONNECT tunnels.</summary>
    public const string OutboundTunnel = "outbound_tunnel";
    public const string InboundListener = "virtualInbound";

    public static string GatewayRoute(int port) => $"http.{port}";
    public static string GatewayListener(int port) => $"0.0.0.0_{port}";
}
