namespace Trellis.LocalMode;

/// <summary>Finds the Bookinfo sample: from the working directory up, then from the CLI's own build output up.</summary>
public static class SampleLocator
{
    public static string? Bookinfo()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "samples", "bookinfo");
                if (File.Exists(Path.Combine(candidate, "bookinfo.yaml"))) return candidate;
            }
        }
        return null;
    }
}
