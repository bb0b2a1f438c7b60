using System.Text.Json;

namespace Trellis.Runtime;

/// <summary>Reads and writes the home's pods file (<see cref="MeshHome.PodsPath"/>), through which every CLI verb and
/// the control plane's local workload source see the local pods.</summary>
public static class PodStateStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The pods last written; an empty list when the file is missing or unreadable.</summary>
    public static IReadOnlyList<PodState> Read(MeshHome home)
    {
        try
        {
            using var stream = File.OpenRead(home.PodsPath);
            return JsonSerializer.Deserialize<List<PodState>>(stream, Json) ?? [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or NotSupportedException)
        {
            return [];
        }
    }

    /// <summary>Replaces the pods file atomically, so readers never see a half-written file.</summary>
    public static void Write(MeshHome home, IReadOnlyList<PodState> pods)
    {
        Directory.CreateDirectory(home.Root);
        var path = home.PodsPath;
        var temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(pods, Json));
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
