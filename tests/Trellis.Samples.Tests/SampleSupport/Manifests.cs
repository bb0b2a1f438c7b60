using Trellis.Samples.Tests.Harness;
using YamlDotNet.RepresentationModel;

namespace Trellis.Samples.Tests.SampleSupport;

/// <summary>Reads a sample's manifests as plain YAML documents, for checks that they mirror Istio's and refer
/// to things that exist.</summary>
internal static class Manifests
{
    public static List<YamlMappingNode> Load(string sample, params string[] path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine([Repo.Root, "samples", sample, .. path]));
        stream.Load(reader);
        return [.. stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>()];
    }

    public static IEnumerable<string> Files(string sample, string folder) =>
        Directory.EnumerateFiles(Path.Combine(Repo.Root, "samples", sample, folder), "*.yaml").Order(StringComparer.Ordinal);

    /// <summary>The scalar at a path of map keys and sequence indexes, or null.</summary>
    public static string? Get(YamlNode node, params object[] path)
    {
        foreach (var step in path)
        {
            YamlNode? next = null;
            if (step is int i && node is YamlSequenceNode seq && i < seq.Children.Count) next = seq[i];
            if (step is string key && node is YamlMappingNode map) map.Children.TryGetValue(key, out next);
            if (next is null) return null;
            node = next;
        }
        return (node as YamlScalarNode)?.Value;
    }

    public static YamlNode Node(YamlNode node, params object[] path)
    {
        foreach (var step in path)
            node = step is int i ? ((YamlSequenceNode)node)[i] : ((YamlMappingNode)node)[(string)step];
        return node;
    }

    public static IEnumerable<YamlNode> Items(YamlNode node, params object[] path) =>
        Node(node, path) is YamlSequenceNode seq ? seq.Children : [];

    public static IEnumerable<YamlMappingNode> OfKind(this IEnumerable<YamlMappingNode> docs, string kind) => docs.Where(d => Get(d, "kind") == kind);

    public static YamlMappingNode Named(this IEnumerable<YamlMappingNode> docs, string kind, string name) =>
        docs.OfKind(kind).Single(d => Get(d, "metadata", "name") == name);
}
