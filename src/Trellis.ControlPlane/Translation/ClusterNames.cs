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
    public const string InboundListener = "virtualInbound";

    public static string GatewayRoute(int port) => $"http.{port}";
    public static string GatewayListener(int port) => $"0.0.0.0_{port}";
}
