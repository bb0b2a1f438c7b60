using Trellis.Config.Model;
using Trellis.Config.Model.Networking;
using Trellis.ControlPlane.Mesh;

namespace Trellis.ControlPlane.Translation.Gateway;

/// <summary>One server of a Gateway that selects this proxy, with what its translation needs to name and route it.</summary>
/// <param name="Index">The server's position in <c>spec.servers</c>.</param>
/// <param name="Label">How problems name it: <c>Gateway ns/name spec.servers[i]</c>.</param>
/// <param name="LocalPort">The port the proxy listens on for it in local mode.</param>
internal sealed record GatewayServer(MeshModel Mesh, ProxyNode Node, Resource Gateway, Server Server, int Index, string Label, int LocalPort)
{
    public string GatewayKey => $"{Gateway.Metadata.Namespace}/{Gateway.Metadata.Name}";
    public IReadOnlyList<string> Hosts => (Server.Hosts ?? []).Select(GatewayRouteTranslator.StripNamespace).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    public int Number => Server.Port?.Number ?? 443;
    // Unnamed servers are told apart by their index: filter chain names must be unique within the listener.
    public string ChainName => $"{GatewayKey}/servers[{Server.Name ?? Index.ToString(System.Globalization.CultureInfo.InvariantCulture)}]/{Number}";
}
