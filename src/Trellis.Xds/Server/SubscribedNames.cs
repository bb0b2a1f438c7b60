using System.Collections;
using System.Collections.Frozen;

namespace Trellis.Xds.Server;

/// <summary>The names a state-of-the-world stream subscribes to. A node asks for every endpoint of the clusters it was
/// sent, so its names are mostly whole resource sets that all the nodes of its scope share: those are held as the sets'
/// own name sets, and only the rest per stream (bench/cp-scale: two thousand streams held a copy each).</summary>
internal sealed class SubscribedNames : IReadOnlyCollection<string>
{
    private readonly IReadOnlyList<FrozenSet<string>> _wholeSets;
    private readonly HashSet<string> _rest;

    private SubscribedNames(IReadOnlyList<FrozenSet<string>> wholeSets, HashSet<string> rest)
    {
        _wholeSets = wholeSets;
        _rest = rest;
        Count = wholeSets.Sum(s => s.Count) + rest.Count;
    }

    public int Count { get; }

    /// <summary>How many of the names this stream holds itself, outside shared sets.</summary>
    public int HeldApart => _rest.Count;

    /// <summary>Holds <paramref name="names"/>, sharing the name sets of <paramref name="sets"/> it covers whole.</summary>
    public static SubscribedNames Of(IEnumerable<string> names, IEnumerable<XdsResourceSet> sets)
    {
        var rest = names.ToHashSet(StringComparer.Ordinal);
        var whole = new List<FrozenSet<string>>();
        foreach (var set in sets)
        {
            if (set.Names.Count == 0 || !set.Names.All(rest.Contains)) continue;
            whole.Add(set.Names);
            rest.ExceptWith(set.Names);
        }
        rest.TrimExcess();
        return new SubscribedNames(whole, rest);
    }

    public bool Contains(string name) => _rest.Contains(name) || _wholeSets.Any(s => s.Contains(name));

    public bool SetEquals(SubscribedNames other) => Count == other.Count && this.All(other.Contains);

    public IEnumerator<string> GetEnumerator() => _wholeSets.SelectMany(s => s).Concat(_rest).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
