using Envoy.Config.Listener.V3;
using Trellis.Config.Model.Networking;

namespace Trellis.ControlPlane.Translation.Gateway;

/// <summary>A gateway's TCP servers (protocol TCP, MONGO, MYSQL or REDIS), as in Istio's TCP traffic shifting task: a
/// listener on the server's own port number (local mode maps only HTTP and HTTPS/TLS servers onto its two ports) whose
/// connections go to the first VirtualService tcp route bound to the gateway that takes that port.</summary>
internal static class GatewayTcpServers
{
    public static bool IsTcp(string? protocol) => protocol?.ToUpperInvariant() is "TCP" or "MONGO" or "MYSQL" or "REDIS";

    /// <param name="taken">Ports this gateway already listens on, or the mesh itself runs on, with what they are.</param>
    public static (IReadOnlyList<Listener> Listeners, IReadOnlyList<string> Problems) Build(Mesh.MeshModel mesh, ProxyNode node, string address,
        IReadOnlyDictionary<int, string> taken)
    {
        var listeners = new Dictionary<int, Listener>();
        var owners = new Dictionary<int, string>();
        var problems = new List<string>();
        foreach (var gateway in GatewayRouteTranslator.GatewaysFor(mesh, node))
        {
            var servers = ((GatewaySpec)gateway.Spec!).Servers ?? [];
            for (var i = 0; i < servers.Count; i++)
            {
                if (!IsTcp(servers[i].Port?.Protocol) || servers[i].Port?.Number is not { } number) continue;
                var label = $"Gateway {gateway.Metadata.Namespace}/{gateway.Metadata.Name} spec.servers[{i}]";
                var server = new GatewayServer(mesh, node, gateway, servers[i], i, label, number);
                if (taken.TryGetValue(number, out var what))
                    problems.Add($"{label}: not served: port {number} is {what} in local mode");
                else if (owners.TryGetValue(number, out var owner))
                    problems.Add($"{label}: not served: port {number} is already served by {owner} (a TCP server has no SNI to tell them apart)");
                else if (GatewayTcpRoutes.Forward(server) is not { } forward)
                    problems.Add($"{label}: not served: no VirtualService tcp route bound to the gateway for its hosts takes port {number}");
                else
                {
                    owners[number] = label;
                    listeners[number] = new Listener
                    {
                        Name = ClusterNames.GatewayListener(number),
                        Address = Addresses.Socket(address, number),
                        FilterChains = { new FilterChain { Name = server.ChainName, Filters = { forward } } },
                    };
                }
            }
        }
        return ([.. listeners.OrderBy(l => l.Key).Select(l => l.Value)], problems);
    }
}
