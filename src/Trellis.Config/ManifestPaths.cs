namespace Trellis.Config;

/// <summary>Which files a -f argument names, as kubectl reads them: a file as given; a directory's
/// *.yaml, *.yml and *.json files in ordinal order, descending into subdirectories only when recursive (-R).</summary>
public static class ManifestPaths
{
    private static readonly string[] Extensions = [".yaml", ".yml", ".json"];

    /// <summary>The files of one existing directory.</summary>
    public static IEnumerable<string> InDirectory(string directory, bool recursive) =>
        Directory.EnumerateFiles(directory, "*", new EnumerationOptions { RecurseSubdirectories = recursive, IgnoreInaccessible = true })
            .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal);
}
