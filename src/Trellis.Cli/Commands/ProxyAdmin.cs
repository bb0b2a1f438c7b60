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

    /// <summary>The admin port of <paramref name="name"/> and the file holding its pod's admin token, which the admin
    /// endpoints that change the proxy ask for; null after saying why not.</summary>
    public static (int Port, string TokenFile)? Of(MeshHome home, MeshState state, string name, string? ns)
    {
        if (name.StartsWith("istio-ingressgateway", StringComparison.Ordinal))
            return (state.IngressAdminPort, home.PodAdminTokenPath(MeshHome.SystemNamespace, "istio-ingressgateway"));
        return PodSelector.Find(home, name, ns) is { } pod ? (pod.AdminPort, home.PodAdminTokenPath(pod.Namespace, pod.Name)) : null;
    }

    /// <summary>GET (or, with a token file, POST) an admin path; the body, or null after printing why it failed.</summary>
    public static async Task<string?> CallAsync(string name, int adminPort, string path, string? tokenFile, CancellationToken ct)
    {
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
            using var request = new HttpRequestMessage(tokenFile is null ? HttpMethod.Get : HttpMethod.Post, $"http://127.0.0.1:{adminPort}{path}");
            if (tokenFile is not null) request.Headers.Authorization = new("Bearer", (await File.ReadAllTextAsync(tokenFile, ct)).Trim());
            using var response = await http.SendAsync(request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            if (response.IsSuccessStatusCode) return body;
            Console.Error.WriteLine($"error: {name}'s proxy answered {(int)response.StatusCode}: {body.Trim()}");
            return null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: cannot reach {name}'s proxy (admin port {adminPort}): {e.Message}");
            return null;
        }
    }

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
