using YamlDotNet.RepresentationModel;

namespace Trellis.Config.Loading;

/// <summary>A file's text as it was read, and where each of its documents lies in it. Objects keep this rather than
/// their YAML node trees, which were most of what a large applied config held (bench/cp-scale): when a field's
/// position is asked for, the object's own document is parsed again, alone.</summary>
internal sealed class SourceText(string file, string text)
{
    private Document[] _documents = [];

    public string File => file;

    /// <summary>Notes where the documents just parsed from this text lie in it: each from the start of the line it starts
    /// on, so that its columns stay as they are in the file, to where the next one starts (YamlDotNet's end marks of
    /// maps are their starts).</summary>
    public void Parsed(IReadOnlyList<YamlNode> documents) =>
        _documents = documents.Select((d, i) => new Document(LineStart(d), i + 1 < documents.Count ? LineStart(documents[i + 1]) : text.Length, d.Start.Line - 1))
            .ToArray();

    private static long LineStart(YamlNode document) => document.Start.Index - (document.Start.Column - 1);

    /// <summary>The map that starts at character <paramref name="offset"/>, parsed again from its document, with the
    /// number of lines before that document; null if no document holds it.</summary>
    public (YamlMappingNode Map, long LinesBefore)? MapAt(long offset)
    {
        var document = Array.FindLast(_documents, d => d.From <= offset && offset < d.To);
        if (document is null) return null;
        var parsed = YamlDocumentReader.Read(text[(int)document.From..(int)document.To], file, []);
        return parsed.Count > 0 && Find(parsed[0], offset - document.From) is { } map ? (map, document.LinesBefore) : null;
    }

    private static YamlMappingNode? Find(YamlNode root, long offset)
    {
        var pending = new Stack<YamlNode>([root]);
        while (pending.TryPop(out var node))
        {
            switch (node)
            {
                case YamlMappingNode map when map.Start.Index == offset:
                    return map;
                case YamlMappingNode map:
                    foreach (var (_, value) in map.Children) pending.Push(value);
                    break;
                case YamlSequenceNode list:
                    foreach (var item in list.Children) pending.Push(item);
                    break;
            }
        }
        return null;
    }

    private sealed record Document(long From, long To, long LinesBefore);
}
