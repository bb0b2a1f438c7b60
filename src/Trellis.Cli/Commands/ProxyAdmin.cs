using System.Text.Json.Nodes;
using Trellis.Runtime;

namespace Trellis.Cli.Commands;

/// <summary>Finds a proxy's admin port (a pod's sidecar, or the ingress gateway) and reads its config dump, for the
/// verbs that show what a proxy runs.</summary>
internal static class ProxyAdmin
{
    /// <summary>The admin port of <paramref name="name"/> (POD, deploy/NAME or istio-ingressgateway), or null after saying why not.</summary>
    public static int? PortOf(MeshHome home, MeshState state, string name, string? ns) =>
        name.StartsWith("istio-ingressgateway", StringComparison.Ordinal) ? state.IngressAdminPort
        : PodSelector.Find(home, name, ns)?.AdminPort;

    /// <summary>The proxy's /config_dump, or null after printing why it could not be read.</summary>
    public static async Task<JsonNode?> ConfigDumpAsync(string name, int adminPort, CancellationToken ct)
    {
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
            return JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{adminPort}/config_dump", ct))!;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            Console.Error.WriteLine($"error: cannot read the config of {name}'s proxy (admin port {adminPort}): {e.Message}");
            return null;
        }
    }
}
