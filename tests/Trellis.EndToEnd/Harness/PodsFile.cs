using System.Text.Json;

namespace Trellis.EndToEnd.Harness;

/// <summary>Reads pods.json the way any tool may: it is the local mesh's public state.</summary>
internal static class PodsFile
{
    public sealed record Pod(string Name, string Namespace, string Deployment, bool Ready, int OutboundPort, int AdminPort, int? AppPid, int? SidecarPid, int InboundPort = 0);

    public static IReadOnlyList<Pod> Read(string home)
    {
        var path = System.IO.Path.Combine(home, "pods.json");
        if (!File.Exists(path)) return [];
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.EnumerateArray().Select(p => new Pod(
            p.GetProperty("name").GetString()!,
            p.GetProperty("namespace").GetString()!,
            p.GetProperty("deployment").GetString()!,
            p.GetProperty("ready").GetBoolean(),
            p.GetProperty("outboundPort").GetInt32(),
            p.GetProperty("adminPort").GetInt32(),
            Pid(p, "appPid"),
            Pid(p, "sidecarPid"),
            p.GetProperty("inboundPort").GetInt32())).ToList();
    }

    private static int? Pid(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;
}
