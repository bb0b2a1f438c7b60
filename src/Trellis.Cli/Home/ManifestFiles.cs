using Trellis.Config;
using Trellis.ControlPlane.Api;

namespace Trellis.Cli.Home;

/// <summary>Reads -f arguments (files, directories, or "-" for stdin) as kubectl does.</summary>
internal static class ManifestFiles
{
    public static List<ManifestFile> Read(IEnumerable<string> paths, bool recursive)
    {
        var files = new List<ManifestFile>();
        foreach (var path in paths)
        {
            if (path == "-")
                files.Add(new ManifestFile("<stdin>", Console.In.ReadToEnd()));
            else if (Directory.Exists(path))
                files.AddRange(ManifestPaths.InDirectory(path, recursive).Select(f => new ManifestFile(Path.GetRelativePath(Environment.CurrentDirectory, f), File.ReadAllText(f))));
            else if (File.Exists(path))
                files.Add(new ManifestFile(path, File.ReadAllText(path)));
            else
                throw new FileNotFoundException($"the path \"{path}\" does not exist");
        }
        return files;
    }
}
