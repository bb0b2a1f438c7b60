using YamlDotNet.RepresentationModel;

namespace Trellis.Config.Loading;

/// <summary>A file's text as it was read, from which its objects' nodes can be found again. Resources keep this rather
/// than their YAML node trees, which were most of what a large applied config held (bench/cp-scale): the trees are
/// only weakly held, and the text is parsed again when a position is asked for after they were collected.</summary>
internal sealed class SourceText(string file, string text)
{
    // Readers racing on a collected tree each parse the text again, and one of their trees is kept: no lock needed.
    private WeakReference<Dictionary<long, YamlMappingNode>>? _maps;

    public string File => file;

    /// <summary>Keeps the documents just parsed from this text, for as long as nothing else needs the memory.</summary>
    public void Parsed(IEnumerable<YamlNode> documents) => _maps = new(Index(documents));

    /// <summary>The map that starts at <paramref name="offset"/> (a character offset into the text), or null.</summary>
    public YamlMappingNode? MapAt(long offset)
    {
        if (_maps is null || !_maps.TryGetTarget(out var maps))
        {
            maps = Index(YamlDocumentReader.Read(text, file, []));
            _maps = new(maps);
        }
        return maps.GetValueOrDefault(offset);
    }

    /// <summary>Every map by where it starts: no two maps start at the same place, as a map's first key does.</summary>
    private static Dictionary<long, YamlMappingNode> Index(IEnumerable<YamlNode> documents)
    {
        var maps = new Dictionary<long, YamlMappingNode>();
        var pending = new Stack<YamlNode>(documents);
        while (pending.TryPop(out var node))
        {
            switch (node)
            {
                case YamlMappingNode map:
                    maps.TryAdd(map.Start.Index, map);
                    foreach (var (_, value) in map.Children) pending.Push(value);
                    break;
                case YamlSequenceNode list:
                    foreach (var item in list.Children) pending.Push(item);
                    break;
            }
        }
        return maps;
    }
}
