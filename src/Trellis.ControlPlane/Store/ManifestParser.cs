using Trellis.Config;
using Trellis.Config.Model;
using Trellis.ControlPlane.Api;

namespace Trellis.ControlPlane.Store;

/// <summary>Parses the manifest files of one apply, as one load held to <see cref="InputLimits"/>, into objects paired
/// with their own YAML text.</summary>
internal static class ManifestParser
{
    public sealed record Result(IReadOnlyList<(Resource Resource, string Yaml)> Objects, IReadOnlyList<Diagnostic> Diagnostics)
    {
        public bool HasErrors => Diagnostics.Any(d => d.Severity == Severity.Error);
    }

    public static Result Parse(IReadOnlyList<ManifestFile> files)
    {
        var contents = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            // Objects find their YAML text by file name, so one name must mean one text.
            if (contents.TryGetValue(file.Name, out var earlier) && earlier != file.Content)
                return new Result([], [Diagnostic.Error(DiagnosticCodes.DuplicateObject, "two different files are sent under this name", new SourceLocation(file.Name, 0, 0))]);
            contents[file.Name] = file.Content;
        }
        var load = ConfigLoader.LoadFiles(files.Select(f => (f.Name, f.Content)));
        if (load.HasErrors) return new Result([], load.Diagnostics);

        var documents = contents.ToDictionary(c => c.Key, c => DocumentSplitter.Split(c.Value), StringComparer.Ordinal);
        var objects = load.Resources
            .Select(r => (r, TextOf(r, documents[r.Source.File], contents[r.Source.File])))
            .ToList();
        return new Result(objects, load.Diagnostics);
    }

    private static string TextOf(Resource resource, IReadOnlyList<DocumentSplitter.Document> documents, string content) =>
        (documents.LastOrDefault(d => d.StartLine <= resource.Source.Line) ?? documents.FirstOrDefault())?.Text ?? content;
}
