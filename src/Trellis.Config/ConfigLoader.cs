using System.Text;
using Trellis.Config.Loading;
using Trellis.Config.Model;

namespace Trellis.Config;

/// <summary>Loads Kubernetes/Istio manifests (YAML or JSON, multi-document, <c>List</c> kinds) with exact source positions.
/// One load is held to <see cref="InputLimits"/> as a whole; whatever the input, it returns diagnostics and never throws.</summary>
public static class ConfigLoader
{
    /// <summary>The name positions use for standard input.</summary>
    public const string StandardInputName = "<stdin>";

    /// <summary>Loads files and directories as <see cref="ManifestPaths"/> lists them; "-" reads <paramref name="standardInput"/>.</summary>
    public static LoadResult LoadPaths(IEnumerable<string> paths, bool recursive = false, TextReader? standardInput = null)
    {
        var load = new Load();
        foreach (var file in ExpandPaths(paths, recursive, standardInput is not null, load.Diagnostics))
        {
            if (!load.Open)
                break;
            if (file == "-")
            {
                if (LoadBudget.ReadBounded(standardInput!) is { } input) load.Read(input, StandardInputName, Encoding.UTF8.GetByteCount(input));
                else load.Refuse(LoadBudget.TooLarge(StandardInputName, null));
                continue;
            }
            string? text;
            Diagnostic? tooLarge;
            try
            {
                text = load.Budget.ReadFile(file, out tooLarge);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                load.Diagnostics.Add(Diagnostic.Error(DiagnosticCodes.UnreadableInput, $"cannot read file: {e.Message}", new SourceLocation(file, 0, 0)));
                continue;
            }
            if (text is null) load.Refuse(tooLarge!);
            else load.ReadTaken(text, file);
        }
        return load.Finish();
    }

    /// <summary>Loads one file's text; <paramref name="fileName"/> is used in positions.</summary>
    public static LoadResult LoadText(string text, string fileName) => LoadFiles([(fileName, text)]);

    /// <summary>Loads the files of one apply as one load: their sizes and objects count against one budget.</summary>
    public static LoadResult LoadFiles(IEnumerable<(string Name, string Text)> files)
    {
        var load = new Load();
        foreach (var (name, text) in files)
        {
            if (!load.Open) break;
            // Characters bound bytes from below: a text with more characters than the limit needs no exact count.
            load.Read(text, name, text.Length > InputLimits.MaxBytes ? text.Length : Encoding.UTF8.GetByteCount(text));
        }
        return load.Finish();
    }

    private static IEnumerable<string> ExpandPaths(IEnumerable<string> paths, bool recursive, bool stdin, List<Diagnostic> diagnostics)
    {
        foreach (var path in paths)
        {
            if (path == "-" && stdin)
            {
                yield return path;
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

    /// <summary>One load in progress: what it read, what it found, and what it has left of its budget.</summary>
    private sealed class Load
    {
        private readonly List<Resource> _resources = [];

        public List<Diagnostic> Diagnostics { get; } = [];
        public LoadBudget Budget { get; } = new();

        /// <summary>False once a limit of the whole load is reached: reading more could only add to what is refused.</summary>
        public bool Open { get; private set; } = true;

        public void Refuse(Diagnostic diagnostic)
        {
            Diagnostics.Add(diagnostic);
            Open = false;
        }

        public void Read(string text, string file, long bytes)
        {
            if (Budget.TakeBytes(file, bytes) is { } tooLarge) Refuse(tooLarge);
            else ReadTaken(text, file);
        }

        /// <summary>Reads text whose bytes the budget already took.</summary>
        public void ReadTaken(string text, string file)
        {
            var source = new SourceText(file, text);
            var reader = new ResourceReader(source, Diagnostics);
            var documents = YamlDocumentReader.Read(text, file, Diagnostics);
            source.Parsed(documents);
            foreach (var document in documents)
            {
                try
                {
                    foreach (var resource in reader.Read(document))
                    {
                        if (Budget.TakeObjects(file, 1) is { } tooMany)
                        {
                            Refuse(tooMany);
                            return;
                        }
                        _resources.Add(resource);
                    }
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // Every known bad input has its own diagnostic; this keeps an unforeseen one from taking down
                    // the control plane or the CLI, and refuses the document rather than half-reading it.
                    Diagnostics.Add(Diagnostic.Error(DiagnosticCodes.SchemaValidationError,
                        $"cannot read this document: {e.Message}", FieldLocator.At(file, document)));
                }
            }
        }

        public LoadResult Finish()
        {
            var first = new Dictionary<(string Group, string Kind, string? Ns, string Name), Resource>();
            var unique = new List<Resource>(_resources.Count);
            foreach (var resource in _resources)
            {
                var key = (resource.Group, resource.Kind, resource.Metadata.Namespace, resource.Metadata.Name);
                if (first.TryGetValue(key, out var original))
                {
                    Diagnostics.Add(Diagnostic.For(Severity.Error, DiagnosticCodes.DuplicateObject, resource, "metadata.name",
                        $"{resource.Ref} is defined twice: first at {original.Source}"));
                    continue;
                }
                first[key] = resource;
                unique.Add(resource);
            }
            return new LoadResult(unique, Diagnostics);
        }
    }
}
