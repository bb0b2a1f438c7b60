namespace Trellis.ControlPlane.Inputs;

/// <summary>The node metadata through which whoever starts a proxy tells the control plane the loopback ports and
/// address it gave it (local mode's launcher writes them, <see cref="Translation.ProxyNode"/> reads them).</summary>
public static class NodeMetadataKeys
{
    public const string InboundPort = "TRELLIS_INBOUND_PORT";
    public const string OutboundPort = "TRELLIS_OUTBOUND_PORT";
    public const string AppPort = "TRELLIS_APP_PORT";
    public const string ContainerPort = "TRELLIS_CONTAINER_PORT";
    public const string HttpPort = "TRELLIS_HTTP_PORT";
    public const string HttpsPort = "TRELLIS_HTTPS_PORT";
    public const string HttpAddress = "TRELLIS_HTTP_ADDRESS";
    public const string AdminPort = "TRELLIS_ADMIN_PORT";
}
