using System.Globalization;
using Trellis.Config.Model;
using YamlDotNet.RepresentationModel;

namespace Trellis.Config.Loading;

/// <summary>Finds the source position of a field path such as <c>spec.http[0].route[1].weight</c> in an object read from
/// <paramref name="source"/>, whose map starts at character <paramref name="offset"/>.</summary>
internal sealed class FieldLocator(SourceText source, long offset, SourceLocation start)
{
    /// <summary>Analysis names the same few fields of an object at every apply; each found once is kept.</summary>
    private const int Remembered = 8;

    private (string Path, SourceLocation Location)[] _found = [];

    /// <summary>Locates fields of <paramref name="map"/>, read from <paramref name="source"/>.</summary>
    public FieldLocator(SourceText source, YamlMappingNode map) : this(source, map.Start.Index, At(source.File, map))
    {
    }

    /// <summary>Where the object's map starts.</summary>
    public SourceLocation Start => start;

    /// <summary>The position of the field's key (or list item), or of the deepest parent that exists.</summary>
    public SourceLocation Locate(string path)
    {
        var found = Volatile.Read(ref _found);
        foreach (var (known, location) in found)
            if (known == path) return location;
        var located = Find(path);
        // A race loses one of two entries, to be found again next time: no lock for that.
        if (found.Length < Remembered) Interlocked.CompareExchange(ref _found, [.. found, (path, located)], found);
        return located;
    }

    private SourceLocation Find(string path)
    {
        if (source.MapAt(offset) is not var (root, linesBefore)) return start;
        YamlNode node = root;
        YamlNode position = root;
        foreach (var segment in FieldPath.Split(path))
        {
            if (node is YamlMappingNode map)
            {
                var entry = map.Children.FirstOrDefault(kv => kv.Key is YamlScalarNode k && k.Value == segment);
                if (entry.Key is null) break;
                position = entry.Key;
                node = entry.Value;
            }
            else if (node is YamlSequenceNode list
                     && int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                     && index < list.Children.Count)
            {
                node = list.Children[index];
                position = node;
            }
            else
            {
                break;
            }
        }
        return new SourceLocation(source.File, (int)(linesBefore + position.Start.Line), (int)position.Start.Column);
    }

    public static SourceLocation At(string file, YamlNode node) => new(file, (int)node.Start.Line, (int)node.Start.Column);
}

/// <summary>Builds and splits field paths: <c>spec.http[0].match[1].headers.end-user</c>; map keys with dots go in brackets.</summary>
internal static class FieldPath
{
    public static string Member(string parent, string name)
    {
        var simple = name.Length > 0 && name.All(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '$');
        if (!simple) return $"{parent}[{name}]";
        return parent.Length == 0 ? name : $"{parent}.{name}";
    }

    public static string Index(string parent, int index) => $"{parent}[{index.ToString(CultureInfo.InvariantCulture)}]";

    public static IEnumerable<string> Split(string path)
    {
        var i = 0;
        while (i < path.Length)
        {
            if (path[i] == '.') { i++; continue; }
            if (path[i] == '[')
            {
                var end = path.IndexOf(']', i);
                if (end < 0) yield break;
                yield return path[(i + 1)..end];
                i = end + 1;
                continue;
            }
            var stop = path.IndexOfAny(['.', '['], i);
            if (stop < 0) stop = path.Length;
            yield return path[i..stop];
            i = stop;
        }
    }
}
