using System.Text.Json;

namespace Trellis.Runtime;

/// <summary>What `trellis up` started and where: written to mesh.json, read by every other verb, and by
/// `trellis down` to find what a dead supervisor left running.</summary>
public sealed record MeshState(
    int SupervisorPid,
    DateTimeOffset StartedAt,
    string Manifests,
    int ControlPlanePid,
    int XdsPort,
    int ApiPort,
    int IngressPort,
    int IngressAdminPort,
    int GatewayPid = 0)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Where the ingress gateway listens (`--ingress-address`); loopback unless the user chose otherwise.</summary>
    public string IngressAddress { get; init; } = "127.0.0.1";

    public string IngressUrl => $"http://{Host}:{IngressPort}";

    /// <summary>Where the gateway's HTTPS and TLS servers listen (their port 443, or whatever number they declare); 0 in
    /// a mesh.json written before there was one.</summary>
    public int IngressHttpsPort { get; init; }

    public string IngressHttpsUrl => $"https://{Host}:{IngressHttpsPort}";

    private string Host => IngressAddress.Contains(':') ? $"[{IngressAddress}]" : IngressAddress;

    public string ApiUrl => $"http://127.0.0.1:{ApiPort}";
    public string XdsUrl => $"http://127.0.0.1:{XdsPort}";

    public void Write(MeshHome home)
    {
        var tmp = home.StatePath + ".tmp";
        File.WriteAllText(tmp, JsonSerializer.Serialize(this, Json));
        File.Move(tmp, home.StatePath, overwrite: true);
    }

    public static MeshState? Read(MeshHome home)
    {
        if (!File.Exists(home.StatePath)) return null;
        try
        {
            return JsonSerializer.Deserialize<MeshState>(File.ReadAllText(home.StatePath), Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The recorded mesh, if its supervisor still holds the home's lock.</summary>
    public static MeshState? ReadRunning(MeshHome home) => SupervisorLock.LiveSupervisor(home) is null ? null : Read(home);
}
