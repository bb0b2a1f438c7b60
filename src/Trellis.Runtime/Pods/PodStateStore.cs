using System.Text.Json;

namespace Trellis.Runtime;

/// <summary>Reads and writes <c>{home}/pods.json</c>, the file through which every CLI verb sees the local pods.</summary>
public static class PodStateStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The path of the pods file under a mesh home.</summary>
    public static string PathFor(string home) => Path.Combine(home, "pods.json");

    /// <summary>The pods last written; an empty list when the file is missing or unreadable.</summary>
    public static IReadOnlyList<PodState> Read(string home)
    {
        try
        {
            using var stream = File.OpenRead(PathFor(home));
            return JsonSerializer.Deserialize<List<PodState>>(stream, Json) ?? [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or NotSupportedException)
        {
            return [];
        }
    }

    /// <summary>Replaces the pods file atomically, so readers never see a half-written file.</summary>
    public static void Write(string home, IReadOnlyList<PodState> pods)
    {
        Directory.CreateDirectory(home);
        var path = PathFor(home);
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
