using Trellis.Config;
using Trellis.ControlPlane.Api;

namespace Trellis.LocalMode;

/// <summary>Reads -f arguments (files, directories, or "-" for stdin) as kubectl does, held to the same limits as the
/// control plane (<see cref="InputLimits"/>) before anything is read whole or sent.</summary>
public static class ManifestFiles
{
    public static List<ManifestFile> Read(IEnumerable<string> paths, bool recursive)
    {
        var files = new List<ManifestFile>();
        var budget = new LoadBudget();
        foreach (var path in paths)
        {
            if (path == "-")
                files.Add(ReadStandardInput(budget));
            else if (Directory.Exists(path))
                files.AddRange(ManifestPaths.InDirectory(path, recursive).Select(f => ReadFile(Path.GetRelativePath(Environment.CurrentDirectory, f), budget)));
            else if (File.Exists(path))
                files.Add(ReadFile(path, budget));
            else
                throw new FileNotFoundException($"the path \"{path}\" does not exist");
        }
        return files;
    }

    private static ManifestFile ReadStandardInput(LoadBudget budget)
    {
        const string name = ConfigLoader.StandardInputName;
        var text = LoadBudget.ReadBounded(Console.In) ?? throw new InputRefusedException(LoadBudget.TooLarge(name, null));
        if (budget.TakeBytes(name, System.Text.Encoding.UTF8.GetByteCount(text)) is { } refused) throw new InputRefusedException(refused);
        return new ManifestFile(name, text);
    }

    private static ManifestFile ReadFile(string path, LoadBudget budget)
    {
        var text = budget.ReadFile(path, out var refused);
        return text is null ? throw new InputRefusedException(refused!) : new ManifestFile(path, text);
    }
}

/// <summary>Input refused by a limit before it was sent; the diagnostic says which file and which limit.</summary>
public sealed class InputRefusedException(Diagnostic diagnostic) : Exception(diagnostic.Message)
{
    public Diagnostic Diagnostic { get; } = diagnostic;
}
