using Trellis.Config;
using Trellis.Config.Model;
using Trellis.ControlPlane.Api;

namespace Trellis.ControlPlane.Store;

/// <summary>Parses manifest files into objects paired with their own YAML text.</summary>
internal static class ManifestParser
{
    public sealed record Result(IReadOnlyList<(Resource Resource, string Yaml)> Objects, IReadOnlyList<Diagnostic> Diagnostics);

    public static Result Parse(IReadOnlyList<ManifestFile> files)
    {
        var objects = new List<(Resource, string)>();
        var diagnostics = new List<Diagnostic>();
        var seen = new Dictionary<ObjectKey, Resource>();
        foreach (var file in files)
        {
            var load = ConfigLoader.LoadText(file.Content, file.Name);
            diagnostics.AddRange(load.Diagnostics);
            if (load.HasErrors) continue;
            var documents = DocumentSplitter.Split(file.Content);
            foreach (var resource in load.Resources)
            {
                var key = ObjectKey.Of(resource);
                if (seen.TryGetValue(key, out var first))
                {
                    diagnostics.Add(Diagnostic.Error("TRL0002",
                        $"{key} is defined twice: first at {first.Source.File}:{first.Source.Line}",
                        resource.Source, key.ToString(), "metadata.name"));
                    continue;
                }
                seen[key] = resource;
                var document = documents.LastOrDefault(d => d.StartLine <= resource.Source.Line) ?? documents.FirstOrDefault();
                objects.Add((resource, document?.Text ?? file.Content));
            }
        }
        return new Result(objects, diagnostics);
    }
}
