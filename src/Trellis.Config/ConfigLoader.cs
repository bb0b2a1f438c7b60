using Trellis.Config.Loading;
using Trellis.Config.Model;

namespace Trellis.Config;

/// <summary>Loads Kubernetes/Istio manifests (YAML or JSON, multi-document, <c>List</c> kinds) with exact source positions.</summary>
public static class ConfigLoader
{
    /// <summary>The name positions give to manifests read from standard input, as <c>apply -f -</c> names them.</summary>
    public const string StandardInputName = "<stdin>";

    /// <summary>Loads files and directories as <see cref="ManifestPaths"/> lists them, and the path <c>-</c> from
    /// <paramref name="standardInput"/> when one is given, as kubectl reads <c>-f -</c>.</summary>
    public static LoadResult LoadPaths(IEnumerable<string> paths, bool recursive = false, TextReader? standardInput = null)
    {
        var resources = new List<Resource>();
        var diagnostics = new List<Diagnostic>();
        foreach (var file in ExpandPaths(paths, recursive, diagnostics, standardInput is not null))
        {
            string text;
            try
            {
                text = file == StandardInputName ? standardInput!.ReadToEnd() : File.ReadAllText(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                diagnostics.Add(Diagnostic.Error(DiagnosticCodes.UnreadableInput, $"cannot read file: {e.Message}", new SourceLocation(file, 0, 0)));
                continue;
            }
            Read(text, file, resources, diagnostics);
        }
        return Finish(resources, diagnostics);
    }

    /// <summary>Loads one file's text; <paramref name="fileName"/> is used in positions.</summary>
    public static LoadResult LoadText(string text, string fileName)
    {
        var resources = new List<Resource>();
        var diagnostics = new List<Diagnostic>();
        Read(text, fileName, resources, diagnostics);
        return Finish(resources, diagnostics);
    }

    private static void Read(string text, string file, List<Resource> resources, List<Diagnostic> diagnostics)
    {
        var reader = new ResourceReader(file, diagnostics);
        foreach (var document in YamlDocumentReader.Read(text, file, diagnostics))
            resources.AddRange(reader.Read(document));
    }

    private static IEnumerable<string> ExpandPaths(IEnumerable<string> paths, bool recursive, List<Diagnostic> diagnostics, bool withStandardInput)
    {
        foreach (var path in paths)
        {
            if (path == "-" && withStandardInput)
            {
                yield return StandardInputName;
            }
            else if (File.Exists(path))
            {
                yield return path;
            }
            else if (Directory.Exists(path))
            {
                foreach (var file in ManifestPaths.InDirectory(path, recursive)) yield return file;
            }
            else
            {
                diagnostics.Add(Diagnostic.Error(DiagnosticCodes.UnreadableInput, "no such file or directory", new SourceLocation(path, 0, 0)));
            }
        }
    }

    private static LoadResult Finish(List<Resource> resources, List<Diagnostic> diagnostics)
    {
        var first = new Dictionary<(string Group, string Kind, string? Ns, string Name), Resource>();
        var unique = new List<Resource>(resources.Count);
        foreach (var resource in resources)
        {
            var key = (resource.Group, resource.Kind, resource.Metadata.Namespace, resource.Metadata.Name);
            if (first.TryGetValue(key, out var original))
            {
                diagnostics.Add(Diagnostic.For(Severity.Error, DiagnosticCodes.DuplicateObject, resource, "metadata.name",
                    $"{resource.Ref} is defined twice: first at {original.Source}"));
                continue;
            }
            first[key] = resource;
            unique.Add(resource);
        }
        return new LoadResult(unique, diagnostics);
    }
}
