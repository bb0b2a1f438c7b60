namespace Trellis.Cli.LocalMesh;

/// <summary>Finds the Bookinfo sample: from the working directory up, then from the CLI's own build output up.</summary>
internal static class SampleLocator
{
    public static string? BookinfoPlatform()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "samples", "bookinfo", "platform");
                if (Directory.Exists(candidate)) return candidate;
            }
        }
        return null;
    }
}
