namespace Trellis.LocalMode;

/// <summary>Finds the Bookinfo sample that ships with this build: from the CLI's own folder up (the repository's
/// samples/bookinfo above artifacts/, or the copy the installed `trellis` tool carries beside trellis.dll), then from
/// the working directory up.</summary>
public static class SampleLocator
{
    public static string? Bookinfo()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
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
